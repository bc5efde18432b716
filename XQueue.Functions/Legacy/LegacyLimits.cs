namespace XQueue.Functions.Legacy;

/// <summary>
/// Documented input limits (docs/configuration.md, "Limits"). The original failed with a 500 or dropped data past its
/// column sizes; here anything larger is refused with the legacy invalid-format error.
/// </summary>
public static class LegacyLimits
{
    public const int HeaderChars = 16 * 1024;
    public const int BodyChars = 4 * 1024 * 1024;
    public const int Files = 50;
    public const long FileBytes = 16L * 1024 * 1024;
    public const int FileNameChars = 255;
    public const long RequestBytes = 48L * 1024 * 1024;
}
