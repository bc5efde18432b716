namespace XQueue.Functions.Submissions;

/// <summary>
/// A stored part of a submission (its body blob) cannot be read. The pull is answered with the
/// original's "Error fetching submission" and the submission comes back after the processing delay;
/// if it never becomes readable it ends as a poison submission, and the LMS hears about it.
/// </summary>
public sealed class SubmissionUnreadableException(string message) : Exception(message);
