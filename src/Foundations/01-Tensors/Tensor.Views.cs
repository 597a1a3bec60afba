namespace Foundations;

// Indexing, slicing and reshaping. Everything here except Reshape of a non-contiguous tensor
// returns a view: new shape and strides over the same storage.
public sealed partial class Tensor
{
    /// <summary><c>t[i]</c>: the i-th entry along dim 0, as a view of rank one less. Negative i counts from the end.</summary>
    [System.Runtime.CompilerServices.IndexerName("Element")]
    public Tensor this[int i]
    {
        get => Select(0, i);
        set { Require.NotNull(value, "index"); Select(0, i).CopyFrom(value); }
    }

    /// <summary><c>t[^1]</c>: the last entry along dim 0. Without this indexer C# would read <c>^1</c> against
    /// <see cref="Count"/>, the number of elements, not the size of dim 0.</summary>
    [System.Runtime.CompilerServices.IndexerName("Element")]
    public Tensor this[Index i]
    {
        get => Select(0, FromStart(i));
        set { Require.NotNull(value, "index"); Select(0, FromStart(i)).CopyFrom(value); }
    }

    private int FromStart(Index i)
    {
        if (Rank == 0) throw new ArgumentException("Select: a 0-dimensional tensor cannot be indexed.");
        int j = i.IsFromEnd ? shape[0] - i.Value : i.Value;
        if (j < 0 || j >= shape[0])
            throw new ArgumentOutOfRangeException(nameof(i), $"index: index {i} is out of range for dimension 0 of size {shape[0]} (shape {ShapeString}).");
        return j;
    }

    /// <summary><c>t[i, j]</c>: one element of a rank-2 tensor.</summary>
    [System.Runtime.CompilerServices.IndexerName("Element")]
    public float this[int i, int j]
    {
        get => Storage[Position(i, j)];
        set { int p = Position(i, j); PrepareWrite("index"); Storage[p] = value; }
    }

    [System.Runtime.CompilerServices.IndexerName("Element")]
    public float this[int i, int j, int k]
    {
        get => Storage[ElementPosition([i, j, k])];
        set { int p = ElementPosition([i, j, k]); PrepareWrite("index"); Storage[p] = value; }
    }

    [System.Runtime.CompilerServices.IndexerName("Element")]
    public float this[int i, int j, int k, int l]
    {
        get => Storage[ElementPosition([i, j, k, l])];
        set { int p = ElementPosition([i, j, k, l]); PrepareWrite("index"); Storage[p] = value; }
    }

    /// <summary><c>t[a..b]</c>: rows a to b-1, a view.</summary>
    [System.Runtime.CompilerServices.IndexerName("Element")]
    public Tensor this[Range rows]
    {
        get => Slice(0, rows);
        set { Require.NotNull(value, "index"); Slice(0, rows).CopyFrom(value); }
    }

    /// <summary><c>t[a..b, c..d]</c>: a rectangular view.</summary>
    [System.Runtime.CompilerServices.IndexerName("Element")]
    public Tensor this[Range rows, Range cols]
    {
        get => Slice(0, rows).Slice(1, cols);
        set { Require.NotNull(value, "index"); Slice(0, rows).Slice(1, cols).CopyFrom(value); }
    }

    /// <summary><c>t[i, a..b]</c>: part of row i.</summary>
    [System.Runtime.CompilerServices.IndexerName("Element")]
    public Tensor this[int row, Range cols] => Select(0, row).Slice(0, cols);

    /// <summary><c>t[.., j]</c>: column j (or part of it).</summary>
    [System.Runtime.CompilerServices.IndexerName("Element")]
    public Tensor this[Range rows, int col] => Slice(0, rows).Select(1, col);

    /// <summary>The element at a full index, one entry per dimension (<c>t[i, j, ...]</c> for any rank).</summary>
    public float GetValue(params int[] index) => Storage[ElementPosition(Require.NotNull(index, "GetValue"))];

    public void SetValue(float value, params int[] index)
    {
        Require.NotNull(index, "SetValue");
        int p = ElementPosition(index);
        PrepareWrite("SetValue");
        Storage[p] = value;
    }

    // The common rank-2 case without allocating an index array: the naive matmul reads through it.
    private int Position(int i, int j)
    {
        if (Rank != 2)
            throw new ArgumentException($"index: 2 indices given for a tensor of shape {ShapeString}; give one per dimension, or index with t[i] for a view.");
        return Offset + strides[0] * CheckIndex(i, 0, "index") + strides[1] * CheckIndex(j, 1, "index");
    }

    private int ElementPosition(int[] index)
    {
        if (index.Length != Rank)
            throw new ArgumentException($"index: {index.Length} indices given for a tensor of shape {ShapeString}; give one per dimension, or index with t[i] for a view.");
        int position = Offset;
        for (int d = 0; d < index.Length; d++)
            position += strides[d] * CheckIndex(index[d], d, "index");
        return position;
    }

    private int CheckIndex(int i, int dim, string operation)
    {
        int size = shape[dim];
        int j = i < 0 ? i + size : i;
        if (j < 0 || j >= size)
            throw new ArgumentOutOfRangeException(nameof(i), $"{operation}: index {i} is out of range for dimension {dim} of size {size} (shape {ShapeString}).");
        return j;
    }

    /// <summary>The view at index <paramref name="index"/> along <paramref name="dim"/>, which is removed (PyTorch's <c>select</c>).</summary>
    public Tensor Select(int dim, int index)
    {
        if (Rank == 0) throw new ArgumentException("Select: a 0-dimensional tensor cannot be indexed.");
        int d = NormalizeDim(dim, "Select");
        int i = CheckIndex(index, d, "Select");
        return ViewOf(Offset + i * strides[d], Without(shape, d), Without(strides, d));
    }

    /// <summary>Entries <paramref name="range"/> along <paramref name="dim"/>, a view (PyTorch's <c>t[a:b]</c>).</summary>
    public Tensor Slice(int dim, Range range)
    {
        if (Rank == 0) throw new ArgumentException("Slice: a 0-dimensional tensor cannot be sliced.");
        int d = NormalizeDim(dim, "Slice");
        int start = range.Start.IsFromEnd ? shape[d] - range.Start.Value : range.Start.Value;
        int end = range.End.IsFromEnd ? shape[d] - range.End.Value : range.End.Value;
        start = Math.Clamp(start, 0, shape[d]);
        end = Math.Clamp(end, start, shape[d]);
        var newShape = (int[])shape.Clone();
        newShape[d] = end - start;
        return ViewOf(Offset + start * strides[d], newShape, (int[])strides.Clone());
    }

    /// <summary>Rows picked by <paramref name="indices"/> along dim 0, copied (PyTorch's <c>t[idx]</c> with an index list).</summary>
    public Tensor IndexSelect(ReadOnlySpan<int> indices)
    {
        if (Rank == 0) throw new ArgumentException("IndexSelect: a 0-dimensional tensor cannot be indexed.");
        var newShape = (int[])shape.Clone();
        newShape[0] = indices.Length;
        var result = Uninitialized(newShape, "IndexSelect");   // every row is copied in
        int rowSize = Count / Math.Max(shape[0], 1);
        for (int r = 0; r < indices.Length; r++)
            Select(0, indices[r]).CopyTo(result.Storage, result.Offset + r * rowSize);
        return result;
    }

    /// <summary>The same elements in a new shape; one size may be -1 (inferred). A view when contiguous, else a copy.</summary>
    public Tensor Reshape(params int[] newShape)
    {
        Require.NotNull(newShape, "Reshape");
        var resolved = InferShape(newShape, "Reshape");
        var result = IsContiguous ? ContiguousView(resolved) : Clone().ContiguousView(resolved);
        return Autograd.ShouldRecord(this) ? Derivatives.Reshape(result, this, "Reshape") : result;
    }

    /// <summary>The same storage in a new shape; needs a contiguous tensor (call <see cref="Contiguous"/> first).</summary>
    public Tensor View(params int[] newShape)
    {
        Require.NotNull(newShape, "View");
        var resolved = InferShape(newShape, "View");
        if (!IsContiguous)
            throw new InvalidOperationException($"View: a tensor of shape {ShapeString} with strides ({string.Join(", ", strides)}) is not contiguous; use Reshape, or Contiguous() first.");
        var result = ContiguousView(resolved);
        return Autograd.ShouldRecord(this) ? Derivatives.Reshape(result, this, "View") : result;
    }

    private Tensor ContiguousView(int[] resolved) => ViewOf(Offset, resolved, Shapes.ContiguousStrides(resolved));

    private int[] InferShape(int[] newShape, string operation)
    {
        var resolved = (int[])newShape.Clone();
        int inferred = Array.IndexOf(resolved, -1);
        if (inferred >= 0 && Array.IndexOf(resolved, -1, inferred + 1) >= 0)
            throw new ArgumentException($"{operation}: only one size may be -1 in {Shapes.Format(newShape)}.");
        if (Array.Exists(resolved, s => s < -1))
            throw new ArgumentException($"{operation}: shape {Shapes.Format(newShape)} has a negative size.");
        if (inferred >= 0)
        {
            resolved[inferred] = 1;
            int known = Shapes.Count(resolved, operation);
            if (known == 0 || Count % known != 0)
                throw new ArgumentException($"{operation}: cannot view shape {ShapeString} ({Count} elements) as {Shapes.Format(newShape)}.");
            resolved[inferred] = Count / known;
        }
        if (Shapes.Count(resolved, operation) != Count)
            throw new ArgumentException($"{operation}: cannot view shape {ShapeString} ({Count} elements) as {Shapes.Format(newShape)}.");
        return resolved;
    }

    /// <summary>Inserts a dimension of size 1 at <paramref name="dim"/> (which may be Rank, or negative).</summary>
    public Tensor Unsqueeze(int dim)
    {
        if (dim < -(Rank + 1) || dim > Rank)
            throw new ArgumentOutOfRangeException(nameof(dim), $"Unsqueeze: dim {dim} is out of range for a tensor of shape {ShapeString} (expected {-(Rank + 1)}..{Rank}).");
        int d = dim < 0 ? dim + Rank + 1 : dim;
        int stride = d < Rank ? strides[d] * shape[d] : 1;
        var result = ViewOf(Offset, With(shape, d, 1), With(strides, d, stride));
        return Autograd.ShouldRecord(this) ? Derivatives.Unsqueeze(result, this, d) : result;
    }

    /// <summary>Removes every dimension of size 1.</summary>
    public Tensor Squeeze()
    {
        var keep = Enumerable.Range(0, Rank).Where(d => shape[d] != 1).ToArray();
        var result = ViewOf(Offset, keep.Select(d => shape[d]).ToArray(), keep.Select(d => strides[d]).ToArray());
        return Autograd.ShouldRecord(this) ? Derivatives.Reshape(result, this, "Squeeze") : result;
    }

    /// <summary>Removes <paramref name="dim"/> if its size is 1; otherwise returns the tensor unchanged, as PyTorch does.</summary>
    public Tensor Squeeze(int dim)
    {
        int d = NormalizeDim(dim, "Squeeze");
        if (shape[d] != 1) return this;
        var result = ViewOf(Offset, Without(shape, d), Without(strides, d));
        return Autograd.ShouldRecord(this) ? Derivatives.Squeeze(result, this, d) : result;
    }

    /// <summary>Swaps two dimensions (a view).</summary>
    public Tensor Transpose(int dim0, int dim1)
    {
        int a = NormalizeDim(dim0, "Transpose"), b = NormalizeDim(dim1, "Transpose");
        var newShape = (int[])shape.Clone();
        var newStrides = (int[])strides.Clone();
        (newShape[a], newShape[b]) = (newShape[b], newShape[a]);
        (newStrides[a], newStrides[b]) = (newStrides[b], newStrides[a]);
        var result = ViewOf(Offset, newShape, newStrides);
        return Autograd.ShouldRecord(this) ? Derivatives.Transpose(result, this, a, b) : result;
    }

    /// <summary>The transpose of a matrix (PyTorch's <c>t()</c>); a vector or scalar is returned as is.</summary>
    public Tensor T()
    {
        if (Rank > 2) throw new ArgumentException($"T: expects a tensor of rank <= 2, got shape {ShapeString}; use Transpose(dim0, dim1).");
        return Rank < 2 ? this : Transpose(0, 1);
    }

    /// <summary>
    /// Stretches size-1 dimensions to <paramref name="newShape"/> without copying: the stretched
    /// dimensions get stride 0, so every entry along them is the same storage element. -1 keeps a size.
    /// </summary>
    public Tensor Expand(params int[] newShape)
    {
        Require.NotNull(newShape, "Expand");
        var target = (int[])newShape.Clone();
        int lead = target.Length - Rank;
        for (int d = 0; d < target.Length; d++)
        {
            if (target[d] < -1) throw new ArgumentException($"Expand: shape {Shapes.Format(newShape)} has a negative size.");
            if (target[d] != -1) continue;
            if (d < lead) throw new ArgumentException($"Expand: -1 is not allowed for the new leading dimension {d} in {Shapes.Format(newShape)}.");
            target[d] = shape[d - lead];
        }
        var result = BroadcastTo(target, "Expand");
        return ReferenceEquals(result, this) || !Autograd.ShouldRecord(this) ? result : Derivatives.Expand(result, this);
    }

    internal Tensor BroadcastTo(int[] target, string operation)
    {
        if (shape.AsSpan().SequenceEqual(target)) return this;
        var newStrides = Shapes.BroadcastStrides(shape, strides, target, operation);
        Shapes.Count(target, operation);
        return ViewOf(Offset, (int[])target.Clone(), newStrides);
    }

    private static int[] Without(int[] values, int d) => [.. values[..d], .. values[(d + 1)..]];

    private static int[] With(int[] values, int d, int value) => [.. values[..d], value, .. values[d..]];
}
