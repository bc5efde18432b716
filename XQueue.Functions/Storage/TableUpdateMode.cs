namespace XQueue.Functions.Storage;

/// <summary>How an update treats properties the new entity does not mention.</summary>
public enum TableUpdateMode
{
    /// <summary>Keep them (MERGE).</summary>
    Merge,

    /// <summary>Drop them (PUT).</summary>
    Replace,
}
