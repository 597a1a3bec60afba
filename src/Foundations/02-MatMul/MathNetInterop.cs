using MathNet.Numerics.LinearAlgebra;

namespace Foundations;

/// <summary>
/// Copies between tensors and MathNet.Numerics matrices. They live here, at the edge, so that
/// <see cref="Tensor"/> itself exposes no third-party types.
/// </summary>
public static class MathNetInterop
{
    /// <summary>A MathNet dense matrix holding a copy of a rank-2 tensor.</summary>
    public static Matrix<float> ToMatrix(this Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Rank != 2) throw new ArgumentException($"ToMatrix: expects a rank-2 tensor, got shape {tensor.ShapeString}.");
        int cols = tensor.Size(1);
        var values = tensor.ToArray();
        return Matrix<float>.Build.Dense(tensor.Size(0), cols, (i, j) => values[i * cols + j]);
    }

    /// <summary>A new (rows, columns) tensor holding a copy of a MathNet matrix.</summary>
    public static Tensor ToTensor(this Matrix<float> matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        return Tensor.FromArray(matrix.ToRowMajorArray(), matrix.RowCount, matrix.ColumnCount);
    }
}
