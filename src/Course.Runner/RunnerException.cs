namespace Course.Runner;

/// <summary>Bad input to the runner (a missing file, an unsupported directive); the message says what and where.</summary>
public sealed class RunnerException(string message) : Exception(message);
