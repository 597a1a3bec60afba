using System.Globalization;

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

    // Shared by every view of one storage, like PyTorch's _version: each in-place write adds one,
    // so a layer can tell that what it saved at Forward was changed before Backward.
    private readonly VersionCounter version;

    // True for an expanded tensor (stride 0 on a dimension of size > 1) and every view taken from
    // one: its elements, or those of the tensor it was cut from, share storage, so writes are refused.
    private readonly bool sharesElements;

    internal Tensor(float[] storage, int offset, int[] shape, int[] strides)
        : this(storage, offset, shape, strides, new VersionCounter(), fromSharedElements: false) { }

    private Tensor(float[] storage, int offset, int[] shape, int[] strides, VersionCounter version, bool fromSharedElements)
    {
        Storage = storage;
        // A view with no elements may point past the end of its storage (row 2 of a (3, 0) tensor);
        // it reads nothing, so offset 0 keeps spans over it valid.
        Offset = shape.AsSpan().Contains(0) ? 0 : offset;
        this.shape = shape;
        this.strides = strides;
        this.version = version;
        sharesElements = fromSharedElements || Shapes.HasExpandedDimension(shape, strides);
    }

    /// <summary>A new zero-filled, contiguous tensor; <paramref name="operation"/> names the caller in errors.</summary>
    internal Tensor(int[] shape, string operation = "Zeros")
        : this(Allocate(shape, operation, zeroed: true), shape) { }

    private Tensor((float[] Storage, int Offset) fresh, int[] shape)
        : this(fresh.Storage, fresh.Offset, shape, Shapes.ContiguousStrides(shape)) { }

    /// <summary>Storage for a new contiguous tensor; it may start past element 0 (see <see cref="FreshStorage"/>).</summary>
    private static (float[] Storage, int Offset) Allocate(int[] shape, string operation, bool zeroed)
    {
        int count = Shapes.Count(shape, operation);
        if (count > Array.MaxLength)
            throw new ArgumentException($"{operation}: shape {Shapes.Format(shape)} has {count} elements, more than an array can hold ({Array.MaxLength}).");
        return FreshStorage.Allocate(count, zeroed);
    }

    /// <summary>Another tensor over this one's storage (a view): it shares the version counter and the no-write rule.</summary>
    private Tensor ViewOf(int offset, int[] shape, int[] strides) => new(Storage, offset, shape, strides, version, sharesElements);

    /// <summary>
    /// A new contiguous tensor whose storage is not zeroed first, for results the caller overwrites
    /// entirely: clearing 4 MB that the next pass overwrites costs as much as a tenth of a 1024³ product.
    /// </summary>
    internal static Tensor Uninitialized(int[] shape, string operation) =>
        new(Allocate(shape, operation, zeroed: false), shape);

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

    /// <summary>
    /// The gradient of the loss with respect to this tensor (the article's <c>.g</c>, PyTorch's
    /// <c>.grad</c>): null until a backward pass adds to it with <see cref="AccumulateGrad"/>.
    /// </summary>
    public Tensor? Grad { get; set; }

    /// <summary>
    /// Grad += share, or Grad = share when there is none yet, so that a tensor read in two places
    /// gets the sum of both shares (chapter 5). <paramref name="share"/> must have this tensor's
    /// shape; it is kept, not copied, so pass a tensor nothing else writes to.
    /// </summary>
    public void AccumulateGrad(Tensor share)
    {
        Require.NotNull(share, "AccumulateGrad");
        if (!share.shape.AsSpan().SequenceEqual(shape))
            throw new ArgumentException($"AccumulateGrad: the gradient has shape {share.ShapeString}, but the tensor has shape {ShapeString}.");
        if (Grad is null) Grad = share;
        else Grad.AddInPlace(share);
    }

    /// <summary>True when the elements sit in storage in row-major order with no gaps.</summary>
    public bool IsContiguous => Shapes.IsContiguous(shape, strides);

    /// <summary>The shape as PyTorch prints it, e.g. <c>(5, 784)</c>.</summary>
    public string ShapeString => Shapes.Format(shape);

    public static Tensor Zeros(params int[] shape) => new(Shapes.Checked(shape, "Zeros"), "Zeros");

    public static Tensor Ones(params int[] shape) => Full(1f, shape);

    public static Tensor Full(float value, params int[] shape)
    {
        var t = Uninitialized(Shapes.Checked(shape, "Full"), "Full");
        Array.Fill(t.Storage, value, t.Offset, t.Count);
        return t;
    }

    /// <summary>A 0-dimensional tensor holding one value (what <c>Sum()</c> and <c>Mean()</c> return).</summary>
    public static Tensor Scalar(float value) => new(new[] { value }, 0, [], []);

    /// <summary>
    /// Wraps <paramref name="data"/> (not copied) as a 1-d tensor of shape (data.Length,): one value gives
    /// shape (1,), as <c>torch.tensor([5.])</c> does. For a 0-d tensor use <see cref="Scalar"/>.
    /// </summary>
    public static Tensor FromArray(float[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return FromArray(data, data.Length);
    }

    /// <summary>
    /// Wraps <paramref name="data"/> (not copied) as a tensor of exactly the given shape, whose element
    /// count must equal data.Length; an empty shape () gives a 0-d tensor and needs one value.
    /// </summary>
    public static Tensor FromArray(float[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        int count = Shapes.Count(shape, "FromArray");
        if (count != data.Length)
            throw new ArgumentException($"FromArray: {data.Length} values cannot fill shape {Shapes.Format(shape)} ({count} elements).");
        return new Tensor(data, 0, (int[])shape.Clone(), Shapes.ContiguousStrides(shape));
    }

    /// <summary>A 1-d tensor from values, like <c>tensor([10., 6, -4])</c>.</summary>
    public static Tensor From(params float[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return FromArray((float[])values.Clone(), values.Length);
    }

    public static Tensor From(float[,] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        int rows = values.GetLength(0), cols = values.GetLength(1);
        var data = new float[rows * cols];
        Buffer.BlockCopy(values, 0, data, 0, data.Length * sizeof(float));
        return FromArray(data, rows, cols);
    }

    public static Tensor From(float[,,] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        int d0 = values.GetLength(0), d1 = values.GetLength(1), d2 = values.GetLength(2);
        var data = new float[d0 * d1 * d2];
        Buffer.BlockCopy(values, 0, data, 0, data.Length * sizeof(float));
        return FromArray(data, d0, d1, d2);
    }

    /// <summary>0, 1, ..., end-1, like <c>torch.arange(end)</c>.</summary>
    public static Tensor Arange(int end) => Arange(0, end, 1);

    /// <summary>
    /// start, start+step, ... while below end (above, for a negative step). The length is
    /// ceil((end - start) / step) computed on the decimal numbers the arguments were written as
    /// (0.1f is taken as 0.1), as PyTorch computes it on Python's doubles: Arange(0, 0.3f, 0.1f) has
    /// three elements, where float32 arithmetic, with 0.3f a little above 0.3, would give four.
    /// </summary>
    public static Tensor Arange(float start, float end, float step = 1f)
    {
        if (step == 0 || !float.IsFinite(step) || !float.IsFinite(start) || !float.IsFinite(end))
            throw new ArgumentException($"Arange: start, end and step must be finite and step non-zero (got {start}, {end}, {step}).");
        double length = Math.Ceiling((AsWritten(end) - AsWritten(start)) / AsWritten(step));
        // As PyTorch: a step that walks away from end is a mistake, not an empty range.
        if (length < 0)
            throw new ArgumentException($"Arange: step {step} goes away from end (from {start} to {end}); the range would have a negative length.");
        if (length > Array.MaxLength)
            throw new ArgumentException($"Arange: from {start} to {end} by {step} is {length} elements, more than an array can hold ({Array.MaxLength}).");
        int n = (int)length;
        var data = new float[n];
        for (int i = 0; i < n; i++) data[i] = start + i * step;
        return FromArray(data, n);
    }

    // The double nearest to the shortest decimal that reads back as x: 0.1f gives 0.1, not 0.100000001490116.
    private static double AsWritten(float x) => double.Parse(x.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>Standard normal samples from the shared generator (reset it with <see cref="ManualSeed"/>).</summary>
    public static Tensor Randn(params int[] shape) => Generator.Default.Normal(Shapes.Checked(shape, "Randn"));

    /// <summary>Uniform samples in [0, 1) from the shared generator.</summary>
    public static Tensor Rand(params int[] shape) => Generator.Default.Uniform(Shapes.Checked(shape, "Rand"));

    /// <summary>Resets the shared generator, so that every run draws the same numbers (PyTorch's <c>manual_seed</c>).</summary>
    public static void ManualSeed(ulong seed) => Generator.Default.Seed(seed);

    /// <summary>A contiguous copy with its own storage.</summary>
    public Tensor Clone()
    {
        var result = Uninitialized((int[])shape.Clone(), "Clone");
        CopyTo(result.Storage, result.Offset);
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

    public static explicit operator float(Tensor t) => Require.NotNull(t, "Item").Item();

    /// <summary>Copies the elements, in row-major order, into <paramref name="destination"/> from <paramref name="start"/>.</summary>
    internal void CopyTo(float[] destination, int start)
    {
        if (IsContiguous)
        {
            Array.Copy(Storage, Offset, destination, start, Count);
            return;
        }
        // One walk over the rows (every dimension but the last), then a plain loop along each row:
        // an expanded gradient (stride 0) or a transpose is copied without an iterator step per element.
        int i = start, length = shape[^1], stride = strides[^1];
        foreach (int row in Shapes.Positions(shape[..^1], strides[..^1], Offset))
            for (int j = 0; j < length; j++)
                destination[i++] = Storage[row + j * stride];
    }
}
