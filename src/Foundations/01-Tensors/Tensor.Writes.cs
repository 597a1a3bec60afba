namespace Foundations;

// Every write into existing storage, and the one rule they share: refuse a tensor whose elements
// share storage, and count the write in the storage's version (PyTorch's _version).
public sealed partial class Tensor
{
    /// <summary>Writes <paramref name="source"/>'s elements into this tensor (a view writes through to its storage).</summary>
    public void CopyFrom(Tensor source)
    {
        Require.NotNull(source, "CopyFrom");
        var expanded = source.BroadcastTo(shape, "CopyFrom");
        PrepareWrite("CopyFrom");
        var values = expanded.ToArray();
        int i = 0;
        foreach (int position in Shapes.Positions(shape, strides, Offset))
            Storage[position] = values[i++];
    }

    /// <summary>
    /// How many in-place writes this tensor's storage has seen (PyTorch's <c>_version</c>), counted across
    /// every view of it. A module compares it between Forward and Backward to catch e.g. a step in between.
    /// </summary>
    public int Version => version.Value;

    /// <summary>
    /// Every write into existing storage goes through here. It refuses a tensor whose elements share
    /// storage (an expanded dimension, stride 0, or a view taken from one): a write through one element
    /// would silently change the others. Then it counts the write in <see cref="Version"/>.
    /// </summary>
    internal void PrepareWrite(string operation)
    {
        if (sharesElements)
        {
            for (int d = 0; d < Rank; d++)
                if (strides[d] == 0 && shape[d] > 1)
                    throw new InvalidOperationException($"{operation}: dimension {d} of shape {ShapeString} is expanded (stride 0), so its elements share memory; write to a Clone() instead.");
            throw new InvalidOperationException($"{operation}: this tensor of shape {ShapeString} is a view of an expanded tensor (stride 0), so its elements share memory with other entries; write to a Clone() instead.");
        }
        version.Value++;
    }

    /// <summary>Sets every element to <paramref name="value"/>.</summary>
    public void Fill(float value)
    {
        PrepareWrite("Fill");
        if (IsContiguous) { Array.Fill(Storage, value, Offset, Count); return; }
        foreach (int position in Shapes.Positions(shape, strides, Offset))
            Storage[position] = value;
    }

    private sealed class VersionCounter
    {
        public int Value;
    }
}
