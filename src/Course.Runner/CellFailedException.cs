namespace Course.Runner;

/// <summary>A cell did not compile or threw; the message names the notebook, the cell and its first line.</summary>
public sealed class CellFailedException(string message, Exception? inner = null) : Exception(message, inner);
