namespace Course.Setup;

/// <summary>A step of the set-up failed; the message names the problem and what to do about it.</summary>
public sealed class SetupException(string message) : Exception(message);
