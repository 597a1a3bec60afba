namespace Foundations;

/// <summary>
/// An n-dimensional array of float32 values: a flat storage array read through a shape, strides
/// and an offset. Views (slices, transposes, expansions) share storage with their source, so
/// writing through a view changes the source.
/// </summary>
public sealed partial class Tensor
{
    internal readonly float[] Storage;
    internal readonly int Offset;
    internal readonly int[] shape;
    internal readonly int[] strides;

    internal Tensor(float[] storage, int offset, int[] shape, int[] strides)
    {
        Storage = storage;
        // A view with no elements may point past the end of its storage (row 2 of a (3, 0) tensor);
        // it reads nothing, so offset 0 keeps spans over it valid.
        Offset = shape.AsSpan().Contains(0) ? 0 : offset;
        this.shape = shape;
        this.strides = strides;
    }

    /// <summary>A new zero-filled, contiguous tensor.</summary>
    internal Tensor(int[] shape)
        : this(new float[Shapes.Count(shape)], 0, shape, Shapes.ContiguousStrides(shape)) { }

    /// <summary>
    /// A new contiguous tensor whose storage is not zeroed first, for results the caller overwrites
    /// entirely: clearing 4 MB that the next pass overwrites costs as much as a tenth of a 1024³ product.
    /// </summary>
    internal static Tensor Uninitialized(int[] shape) =>
        new(GC.AllocateUninitializedArray<float>(Shapes.Count(shape)), 0, shape, Shapes.ContiguousStrides(shape));

    /// <summary>The size of each dimension (a copy: changing it does not change the tensor).</summary>
    public int[] Shape => (int[])shape.Clone();

    /// <summary>How many elements of storage one step along each dimension moves; 0 for an expanded dimension.</summary>
    public int[] Strides => (int[])strides.Clone();

    /// <summary>The number of dimensions (PyTorch's <c>dim()</c>).</summary>
    public int Rank => shape.Length;

    /// <summary>The number of elements (PyTorch's <c>numel()</c>).</summary>
    public int Count => Shapes.Count(shape);

    /// <summary>The size of one dimension; negative dims count from the end.</summary>
    public int Size(int dim) => shape[NormalizeDim(dim, "Size")];

    /// <summary>Maps a dim that may count from the end (-1 is the last) to 0..Rank-1, or throws naming this tensor's shape.</summary>
    private int NormalizeDim(int dim, string operation)
    {
        int d = dim < 0 ? dim + Rank : dim;
        if (d < 0 || d >= Rank)
            throw new ArgumentOutOfRangeException(nameof(dim), $"{operation}: dim {dim} is out of range for a tensor of shape {ShapeString} (expected {-Rank}..{Rank - 1}).");
        return d;
    }

    /// <summary>The gradient of the loss with respect to this tensor (the article's <c>.g</c>, PyTorch's <c>.grad</c>),
    /// written by the backward passes in <see cref="Lin"/>, <see cref="Relu"/> and <see cref="Mse"/>.</summary>
    public Tensor? Grad { get; set; }

    /// <summary>True when the elements sit in storage in row-major order with no gaps.</summary>
    public bool IsContiguous => Shapes.IsContiguous(shape, strides);

    /// <summary>The shape as PyTorch prints it, e.g. <c>(5, 784)</c>.</summary>
    public string ShapeString => Shapes.Format(shape);

    public static Tensor Zeros(params int[] shape) => new(Shapes.Checked(shape, "Zeros"));

    public static Tensor Ones(params int[] shape) => Full(1f, shape);

    public static Tensor Full(float value, params int[] shape)
    {
        var t = new Tensor(Shapes.Checked(shape, "Full"));
        Array.Fill(t.Storage, value);
        return t;
    }

    /// <summary>A 0-dimensional tensor holding one value (what <c>Sum()</c> and <c>Mean()</c> return).</summary>
    public static Tensor Scalar(float value) => new(new[] { value }, 0, [], []);

    /// <summary>Wraps <paramref name="data"/> (not copied) as a tensor of the given shape.</summary>
    public static Tensor FromArray(float[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (shape.Length == 0 && data.Length != 1) shape = [data.Length];
        Shapes.Checked(shape, "FromArray");
        if (Shapes.Count(shape) != data.Length)
            throw new ArgumentException($"FromArray: {data.Length} values cannot fill shape {Shapes.Format(shape)} ({Shapes.Count(shape)} elements).");
        return new Tensor(data, 0, (int[])shape.Clone(), Shapes.ContiguousStrides(shape));
    }

    /// <summary>A 1-d tensor from values, like <c>tensor([10., 6, -4])</c>.</summary>
    public static Tensor From(params float[] values) => FromArray((float[])values.Clone(), values.Length);

    public static Tensor From(float[,] values)
    {
        int rows = values.GetLength(0), cols = values.GetLength(1);
        var data = new float[rows * cols];
        Buffer.BlockCopy(values, 0, data, 0, data.Length * sizeof(float));
        return FromArray(data, rows, cols);
    }

    public static Tensor From(float[,,] values)
    {
        int d0 = values.GetLength(0), d1 = values.GetLength(1), d2 = values.GetLength(2);
        var data = new float[d0 * d1 * d2];
        Buffer.BlockCopy(values, 0, data, 0, data.Length * sizeof(float));
        return FromArray(data, d0, d1, d2);
    }

    /// <summary>0, 1, ..., end-1, like <c>torch.arange(end)</c>.</summary>
    public static Tensor Arange(int end) => Arange(0, end, 1);

    /// <summary>start, start+step, ... while below end (above, for a negative step).</summary>
    public static Tensor Arange(float start, float end, float step = 1f)
    {
        if (step == 0 || !float.IsFinite(step) || !float.IsFinite(start) || !float.IsFinite(end))
            throw new ArgumentException($"Arange: start, end and step must be finite and step non-zero (got {start}, {end}, {step}).");
        int n = Math.Max(0, (int)Math.Ceiling((end - start) / step));
        var data = new float[n];
        for (int i = 0; i < n; i++) data[i] = start + i * step;
        return FromArray(data, n);
    }

    /// <summary>Standard normal samples from the shared generator (reset it with <see cref="ManualSeed"/>).</summary>
    public static Tensor Randn(params int[] shape) => Generator.Default.Normal(Shapes.Checked(shape, "Randn"));

    /// <summary>Uniform samples in [0, 1) from the shared generator.</summary>
    public static Tensor Rand(params int[] shape) => Generator.Default.Uniform(Shapes.Checked(shape, "Rand"));

    /// <summary>Resets the shared generator, so that every run draws the same numbers (PyTorch's <c>manual_seed</c>).</summary>
    public static void ManualSeed(ulong seed) => Generator.Default.Seed(seed);

    /// <summary>A contiguous copy with its own storage.</summary>
    public Tensor Clone()
    {
        var result = new Tensor((int[])shape.Clone());
        CopyTo(result.Storage, 0);
        return result;
    }

    /// <summary>This tensor if already contiguous, otherwise a contiguous copy.</summary>
    public Tensor Contiguous() => IsContiguous ? this : Clone();

    /// <summary>The elements in row-major order, as a new array.</summary>
    public float[] ToArray()
    {
        var result = new float[Count];
        CopyTo(result, 0);
        return result;
    }

    /// <summary>The value of a tensor holding exactly one element (PyTorch's <c>item()</c>).</summary>
    public float Item()
    {
        if (Count != 1)
            throw new InvalidOperationException($"Item: only a tensor with one element has an item; this one has shape {ShapeString}.");
        return Storage[Offset];
    }

    public static explicit operator float(Tensor t) => t.Item();

    /// <summary>Copies the elements, in row-major order, into <paramref name="destination"/> from <paramref name="start"/>.</summary>
    internal void CopyTo(float[] destination, int start)
    {
        if (IsContiguous)
        {
            Array.Copy(Storage, Offset, destination, start, Count);
            return;
        }
        int i = start;
        foreach (int position in Shapes.Positions(shape, strides, Offset))
            destination[i++] = Storage[position];
    }

    /// <summary>Writes <paramref name="source"/>'s elements into this tensor (a view writes through to its storage).</summary>
    public void CopyFrom(Tensor source)
    {
        EnsureWritable("CopyFrom");
        var expanded = source.BroadcastTo(shape, "CopyFrom");
        var values = expanded.ToArray();
        int i = 0;
        foreach (int position in Shapes.Positions(shape, strides, Offset))
            Storage[position] = values[i++];
    }

    /// <summary>
    /// Throws when several elements of this tensor share one storage element (an expanded dimension,
    /// stride 0): a write through one of them would silently change all the others.
    /// </summary>
    internal void EnsureWritable(string operation)
    {
        for (int d = 0; d < Rank; d++)
            if (strides[d] == 0 && shape[d] > 1)
                throw new InvalidOperationException($"{operation}: dimension {d} of shape {ShapeString} is expanded (stride 0), so its elements share memory; write to a Clone() instead.");
    }

    /// <summary>Sets every element to <paramref name="value"/>.</summary>
    public void Fill(float value)
    {
        EnsureWritable("Fill");
        if (IsContiguous) { Array.Fill(Storage, value, Offset, Count); return; }
        foreach (int position in Shapes.Positions(shape, strides, Offset))
            Storage[position] = value;
    }
}
