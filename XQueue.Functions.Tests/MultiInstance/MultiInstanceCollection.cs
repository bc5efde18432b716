namespace XQueue.Functions.Tests.MultiInstance;

/// <summary>
/// The multi-instance tests run one after another and alone: each starts three app processes and asserts what
/// happens "at once" or "within the processing delay", which other tests' load on a small machine would blur.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MultiInstanceCollection
{
    public const string Name = "Multi-instance";
}
