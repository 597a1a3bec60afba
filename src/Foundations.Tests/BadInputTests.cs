using static Foundations.Tests.TestHelpers;

namespace Foundations.Tests;

/// <summary>
/// One test per kind of bad input: each must throw ArgumentException (or a subclass), or
/// InvalidOperationException where the API says so, with a message that names the operation and
/// the shapes or the index; never an IndexOutOfRangeException from inside a loop.
/// </summary>
public sealed class BadInputTests
{
    private static readonly Tensor A = Tensor.Zeros(2, 3);
    private static readonly Tensor B = Tensor.Zeros(4);

    [Fact]
    public void Add_ThrowsForIncompatibleShapes() =>
        AssertThrowsNaming<ArgumentException>(() => A.Add(B), "Add", "(2, 3)", "(4,)");

    [Fact]
    public void Sub_ThrowsForIncompatibleShapes() =>
        AssertThrowsNaming<ArgumentException>(() => A - B, "Sub", "(2, 3)", "(4,)");

    [Fact]
    public void Mul_ThrowsForIncompatibleShapes() =>
        AssertThrowsNaming<ArgumentException>(() => A * B, "Mul", "(2, 3)", "(4,)");

    [Fact]
    public void Div_ThrowsForIncompatibleShapes() =>
        AssertThrowsNaming<ArgumentException>(() => A / B, "Div", "(2, 3)", "(4,)");

    [Fact]
    public void Gt_ThrowsForIncompatibleShapes() =>
        AssertThrowsNaming<ArgumentException>(() => A > B, "Gt", "(2, 3)", "(4,)");

    [Fact]
    public void Ge_ThrowsForIncompatibleShapes() =>
        AssertThrowsNaming<ArgumentException>(() => A >= B, "Ge", "(2, 3)", "(4,)");

    [Fact]
    public void Lt_ThrowsForIncompatibleShapes() =>
        AssertThrowsNaming<ArgumentException>(() => A < B, "Lt", "(2, 3)", "(4,)");

    [Fact]
    public void Le_ThrowsForIncompatibleShapes() =>
        AssertThrowsNaming<ArgumentException>(() => A <= B, "Le", "(2, 3)", "(4,)");

    [Fact]
    public void Eq_ThrowsForIncompatibleShapes() =>
        AssertThrowsNaming<ArgumentException>(() => A.Eq(B), "Eq", "(2, 3)", "(4,)");

    [Fact]
    public void Ne_ThrowsForIncompatibleShapes() =>
        AssertThrowsNaming<ArgumentException>(() => A.Ne(B), "Ne", "(2, 3)", "(4,)");

    [Fact]
    public void AddInPlace_ThrowsForIncompatibleShapes() =>
        AssertThrowsNaming<ArgumentException>(() => Tensor.Zeros(2, 3).AddInPlace(B), "AddInPlace", "(2, 3)", "(4,)");

    [Fact]
    public void AddInPlace_ThrowsWhenTheOtherOperandWouldGrowTheResult() =>
        AssertThrowsNaming<ArgumentException>(() => Tensor.Zeros(3).AddInPlace(Tensor.Zeros(2, 3)), "AddInPlace", "(3,)", "(2, 3)");

    [Fact]
    public void CopyFrom_ThrowsForIncompatibleShapes() =>
        AssertThrowsNaming<ArgumentException>(() => Tensor.Zeros(2, 3).CopyFrom(B), "CopyFrom", "(4,)", "(2, 3)");

    public static TheoryData<string> MatMulVersions() => MatMulTests.VersionNames();

    [Theory]
    [MemberData(nameof(MatMulVersions))]
    public void MatMul_ThrowsForMismatchedInnerDimensions(string version) =>
        AssertThrowsNaming<ArgumentException>(() => MatMulTests.Versions[version](Tensor.Zeros(5, 784), Tensor.Zeros(10, 784)),
            "MatMul", "(5, 784)", "(10, 784)");

    [Theory]
    [MemberData(nameof(MatMulVersions))]
    public void MatMul_ThrowsForAVectorOperand(string version) =>
        AssertThrowsNaming<ArgumentException>(() => MatMulTests.Versions[version](Tensor.Zeros(3), Tensor.Zeros(3, 2)),
            "MatMul", "(3,)", "(3, 2)", "rank 2");

    [Theory]
    [MemberData(nameof(MatMulVersions))]
    public void MatMul_ThrowsForARank3Operand(string version) =>
        AssertThrowsNaming<ArgumentException>(() => MatMulTests.Versions[version](Tensor.Zeros(2, 3), Tensor.Zeros(3, 2, 2)),
            "MatMul", "(2, 3)", "(3, 2, 2)");

    [Fact]
    public void MatMulInto_ThrowsForAWrongDestinationShape() =>
        AssertThrowsNaming<ArgumentException>(() => MatMulLadder.Into(Tensor.Zeros(2, 3), Tensor.Zeros(3, 4), Tensor.Zeros(4, 2)),
            "MatMulLadder.Into", "(2, 4)", "(4, 2)");

    [Fact]
    public void MatMulInto_ThrowsForANonContiguousDestination() =>
        AssertThrowsNaming<ArgumentException>(() => MatMulLadder.Into(Tensor.Zeros(2, 3), Tensor.Zeros(3, 2), Tensor.Zeros(2, 2).T()),
            "MatMulLadder.Into", "contiguous");

    [Fact]
    public void T_ThrowsForRank3() =>
        AssertThrowsNaming<ArgumentException>(() => Tensor.Zeros(2, 3, 4).T(), "T", "(2, 3, 4)");

    [Fact]
    public void Lin_ThrowsForAWrongInputWidth() =>
        AssertThrowsNaming<ArgumentException>(() => new Lin(Tensor.Ones(3, 2), Tensor.Ones(2)).Forward(Tensor.Zeros(4, 5)),
            "Lin(3, 2)", "(4, 5)", "(batch, 3)");

    [Fact]
    public void Lin_ThrowsForAVectorInput() =>
        AssertThrowsNaming<ArgumentException>(() => new Lin(Tensor.Ones(3, 2), Tensor.Ones(2)).Forward(Tensor.Zeros(3)),
            "Lin(3, 2)", "(3,)");

    [Fact]
    public void Lin_ThrowsForParametersOfMismatchedShapes() =>
        AssertThrowsNaming<ArgumentException>(() => new Lin(Tensor.Ones(3, 2), Tensor.Ones(3)), "Lin", "(3, 2)", "(3,)");

    [Fact]
    public void Mse_ThrowsForAVectorPrediction() =>
        AssertThrowsNaming<ArgumentException>(() => new Mse().Forward(Tensor.Zeros(4), Tensor.Zeros(4)), "Mse", "(4,)");

    [Fact]
    public void Mse_ThrowsForTargetsOfAnotherLength() =>
        AssertThrowsNaming<ArgumentException>(() => new Mse().Forward(Tensor.Zeros(4, 1), Tensor.Zeros(5)), "Mse", "(4, 1)", "(5,)");

    [Fact]
    public void Mse_ThrowsForAWidePrediction() =>
        AssertThrowsNaming<ArgumentException>(() => new Mse().Forward(Tensor.Zeros(4, 2), Tensor.Zeros(4)), "Mse", "(4, 2)", "(4,)");

    [Fact]
    public void Sum_ThrowsForAnOutOfRangeDim() =>
        AssertThrowsNaming<ArgumentException>(() => A.Sum(2), "Sum", "dim 2", "(2, 3)");

    [Fact]
    public void Mean_ThrowsForAnOutOfRangeNegativeDim() =>
        AssertThrowsNaming<ArgumentException>(() => A.Mean(-3), "Mean", "dim -3", "(2, 3)");

    [Fact]
    public void Max_ThrowsForAnOutOfRangeDim() =>
        AssertThrowsNaming<ArgumentException>(() => A.Max(5), "Max", "dim 5", "(2, 3)");

    [Fact]
    public void ArgMax_ThrowsForAnOutOfRangeDim() =>
        AssertThrowsNaming<ArgumentException>(() => A.ArgMax(2, keepDim: true), "ArgMax", "dim 2", "(2, 3)");

    [Fact]
    public void Std_ThrowsForAnOutOfRangeDim() =>
        AssertThrowsNaming<ArgumentException>(() => A.Std(3), "Std", "dim 3", "(2, 3)");

    [Fact]
    public void Sum_OfAZeroDimensionalTensor_ThrowsForDimOne() =>
        AssertThrowsNaming<ArgumentException>(() => Tensor.Scalar(3).Sum(1), "Sum", "dim 1", "0-dimensional");

    [Fact]
    public void Unsqueeze_ThrowsForAnOutOfRangeDim() =>
        AssertThrowsNaming<ArgumentException>(() => A.Unsqueeze(4), "Unsqueeze", "dim 4", "(2, 3)", "-3..2");

    [Fact]
    public void Squeeze_ThrowsForAnOutOfRangeDim() =>
        AssertThrowsNaming<ArgumentException>(() => A.Squeeze(2), "Squeeze", "dim 2", "(2, 3)");

    [Fact]
    public void Transpose_ThrowsForAnOutOfRangeDim() =>
        AssertThrowsNaming<ArgumentException>(() => A.Transpose(0, 2), "Transpose", "dim 2", "(2, 3)");

    [Fact]
    public void Select_ThrowsForAnOutOfRangeDim() =>
        AssertThrowsNaming<ArgumentException>(() => A.Select(2, 0), "Select", "dim 2", "(2, 3)");

    [Fact]
    public void Slice_ThrowsForAnOutOfRangeDim() =>
        AssertThrowsNaming<ArgumentException>(() => A.Slice(-3, 0..1), "Slice", "dim -3", "(2, 3)");

    [Fact]
    public void Size_ThrowsForAnOutOfRangeDim() =>
        AssertThrowsNaming<ArgumentException>(() => A.Size(2), "Size", "dim 2", "(2, 3)");

    [Fact]
    public void Indexer_ThrowsForIndexEqualToTheSize() =>
        AssertThrowsNaming<ArgumentException>(() => Tensor.Zeros(5)[5], "index 5", "size 5", "(5,)");

    [Fact]
    public void Indexer_ThrowsForANegativeIndexPastTheStart() =>
        AssertThrowsNaming<ArgumentException>(() => Tensor.Zeros(5)[-6], "index -6", "(5,)");

    [Fact]
    public void Indexer_ThrowsForAnIndexFromEndPastTheStart() =>
        AssertThrowsNaming<ArgumentException>(() => Tensor.Zeros(5, 2)[^6], "index ^6", "size 5", "(5, 2)");

    [Fact]
    public void Indexer_ThrowsForHatZero() =>
        AssertThrowsNaming<ArgumentException>(() => Tensor.Zeros(5)[^0], "index ^0", "(5,)");

    [Fact]
    public void ElementIndexer_ThrowsForAnOutOfRangeColumn() =>
        AssertThrowsNaming<ArgumentException>(() => A[1, 3], "index 3", "dimension 1", "(2, 3)");

    [Fact]
    public void ElementIndexer_ThrowsForTheWrongNumberOfIndices() =>
        AssertThrowsNaming<ArgumentException>(() => Tensor.Zeros(2, 3, 4)[1, 1], "2 indices", "(2, 3, 4)");

    [Fact]
    public void SetValue_ThrowsForAnOutOfRangeIndex() =>
        AssertThrowsNaming<ArgumentException>(() => Tensor.Zeros(2, 3, 4).SetValue(1, 0, 3, 0), "index 3", "(2, 3, 4)");

    [Fact]
    public void Select_ThrowsForAZeroDimensionalTensor() =>
        AssertThrowsNaming<ArgumentException>(() => Tensor.Scalar(1)[0], "Select", "0-dimensional");

    [Fact]
    public void IndexSelect_ThrowsForAnOutOfRangeIndex() =>
        AssertThrowsNaming<ArgumentException>(() => A.IndexSelect([0, 2]), "index 2", "(2, 3)");

    [Fact]
    public void Max_ThrowsForAnEmptyTensor() =>
        AssertThrowsNaming<ArgumentException>(() => Tensor.Zeros(0, 3).Max(), "Max", "empty", "(0, 3)");

    [Fact]
    public void ArgMax_ThrowsForAnEmptyTensor() =>
        AssertThrowsNaming<ArgumentException>(() => Tensor.Zeros(0).ArgMax(), "ArgMax", "empty", "(0,)");

    [Fact]
    public void MeanAlongADim_ThrowsForAnEmptyDimension() =>
        AssertThrowsNaming<ArgumentException>(() => Tensor.Zeros(0, 3).Mean(0), "Mean", "empty", "(0, 3)");

    [Fact]
    public void ActivationStatsOf_ThrowsForAnEmptyTensor() =>
        AssertThrowsNaming<ArgumentException>(() => ActivationStats.Of(Tensor.Zeros(0, 4)), "ActivationStats.Of", "empty", "(0, 4)");

    [Fact]
    public void Item_ThrowsInvalidOperationForMoreThanOneElement() =>
        AssertThrowsNaming<InvalidOperationException>(() => A.Item(), "Item", "(2, 3)");

    [Fact]
    public void FromArray_ThrowsForACountMismatch() =>
        AssertThrowsNaming<ArgumentException>(() => Tensor.FromArray(new float[5], 2, 3), "FromArray", "5 values", "(2, 3)");

    [Fact]
    public void Zeros_ThrowsForANegativeSize() =>
        AssertThrowsNaming<ArgumentException>(() => Tensor.Zeros(2, -1), "Zeros", "(2, -1)");

    [Fact]
    public void View_ThrowsForAnImpossibleShape() =>
        AssertThrowsNaming<ArgumentException>(() => A.View(4, 2), "View", "(2, 3)", "(4, 2)");

    [Fact]
    public void View_ThrowsForAnImpossibleInferredSize() =>
        AssertThrowsNaming<ArgumentException>(() => A.View(4, -1), "View", "(2, 3)", "(4, -1)");

    [Fact]
    public void View_ThrowsForTwoInferredSizes() =>
        AssertThrowsNaming<ArgumentException>(() => A.View(-1, -1), "View", "(-1, -1)");

    [Fact]
    public void Reshape_ThrowsForAnImpossibleShapeNamingReshape() =>
        AssertThrowsNaming<ArgumentException>(() => A.T().Reshape(5), "Reshape", "(3, 2)", "(5,)");

    [Fact]
    public void Expand_ThrowsForANonSingletonDimension() =>
        AssertThrowsNaming<ArgumentException>(() => Tensor.Zeros(2, 1).Expand(3, 4), "Expand", "(2, 1)", "(3, 4)");

    [Fact]
    public void Expand_ThrowsForFewerDimensions() =>
        AssertThrowsNaming<ArgumentException>(() => Tensor.Zeros(2, 1, 3).Expand(2, 3), "Expand", "(2, 1, 3)", "(2, 3)");

    [Fact]
    public void Arange_ThrowsForAZeroStep() =>
        AssertThrowsNaming<ArgumentException>(() => Tensor.Arange(0, 5, 0), "Arange", "step");

    [Fact]
    public void Init_ThrowsForANonPositiveLayerSize() =>
        AssertThrowsNaming<ArgumentException>(() => Init.KaimingNormal(0, 10), "Init", "nIn=0");

    [Fact]
    public void Sequential_ThrowsWithoutModules() =>
        AssertThrowsNaming<ArgumentException>(() => new Sequential(), "Sequential");

    [Fact]
    public void SgdStep_ThrowsInvalidOperationWithoutGradients() =>
        AssertThrowsNaming<InvalidOperationException>(() => new Sgd([Tensor.Zeros(3, 2)], 0.1f).Step(), "Sgd.Step", "(3, 2)", "Backward");

    [Fact]
    public void Fixtures_ThrowsForAMissingFileNamingIt() =>
        AssertThrowsNaming<FileNotFoundException>(() => Fixtures.Load("no/such/fixture.json"), "fixture.json");

    [Fact]
    public void Fixtures_ThrowsForADataCountMismatchNamingFileAndKey() =>
        WithFixture("""{"tensors": {"w1.grad": {"shape": [2, 3], "data": [1, 2, 3, 4, 5]}}}""", path =>
            AssertThrowsNaming<InvalidDataException>(() => Fixtures.Load(path), Path.GetFileName(path), "w1.grad", "(2, 3)", "5"));

    [Fact]
    public void Fixtures_ThrowsForANonNumericValueNamingFileAndKey() =>
        WithFixture("""{"tensors": {"x": {"shape": [2], "data": [1, "one"]}}}""", path =>
            AssertThrowsNaming<InvalidDataException>(() => Fixtures.Load(path), Path.GetFileName(path), "\"x\"", "entry 1"));

    [Fact]
    public void Fixtures_ThrowsForAnEntryWithoutShape() =>
        WithFixture("""{"tensors": {"b2": {"data": [1]}}}""", path =>
            AssertThrowsNaming<InvalidDataException>(() => Fixtures.Load(path), Path.GetFileName(path), "b2", "shape"));

    [Fact]
    public void Fixtures_ThrowsForAFileWithoutTensors() =>
        WithFixture("""{"cases": []}""", path =>
            AssertThrowsNaming<InvalidDataException>(() => Fixtures.Load(path), Path.GetFileName(path), "tensors"));

    [Fact]
    public void Fixtures_ThrowsForInvalidJson() =>
        WithFixture("""{"tensors": {""", path =>
            AssertThrowsNaming<InvalidDataException>(() => Fixtures.Load(path), Path.GetFileName(path), "JSON"));

    private static void WithFixture(string json, Action<string> test)
    {
        string path = Path.Combine(Path.GetTempPath(), $"fixture-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        try { test(path); }
        finally { File.Delete(path); }
    }
}
