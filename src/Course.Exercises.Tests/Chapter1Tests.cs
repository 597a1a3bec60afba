namespace Course.Exercises.Tests;

/// <summary>
/// Chapter 1's checks: a right answer is correct, the placeholder and null are not attempted, and the
/// mistakes learners really make are "not right yet" with words that point at the mistake.
/// </summary>
public sealed class Chapter1Tests
{
    private static void AssertNotYetRight(ExerciseResult result, params string[] fragments)
    {
        Assert.Equal(ExerciseStatus.NotYetRight, result.Status);
        foreach (var fragment in fragments) Assert.Contains(fragment, result.Message);
    }

    private static float Relu(float z) => z > 0f ? z : 0f;

    private static float Neuron(float[] inputs, float[] weights, float bias)
    {
        float total = bias;
        for (int i = 0; i < inputs.Length; i++) total += inputs[i] * weights[i];
        return Relu(total);
    }

    [Fact]
    public void Neuron_WithALoop_IsCorrect() =>
        Assert.Equal(ExerciseStatus.Correct, Chapter1.CheckNeuron(Neuron).Status);

    [Fact]
    public void Neuron_PlaceholderOrNull_IsNotAttempted()
    {
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter1.CheckNeuron((_, _, _) => throw new NotImplementedException()).Status);
        var result = Chapter1.CheckNeuron(null);
        Assert.Equal(ExerciseStatus.NotAttempted, result.Status);
        Assert.Contains("Neuron", result.Message);
    }

    [Fact]
    public void Neuron_WithoutRelu_SaysANegativeTotalMustBeZero()
    {
        var result = Chapter1.CheckNeuron((inputs, weights, bias) =>
        {
            float total = bias;
            for (int i = 0; i < inputs.Length; i++) total += inputs[i] * weights[i];
            return total;
        });

        AssertNotYetRight(result, "a negative weighted sum", "expected 0", "apply ReLU");
    }

    [Fact]
    public void Neuron_ForgettingTheBias_SaysAddTheBias()
    {
        var result = Chapter1.CheckNeuron((inputs, weights, _) => Neuron(inputs, weights, 0f));

        AssertNotYetRight(result, "the chapter's neuron", "expected 1.73", "Add the bias");
    }

    [Fact]
    public void Neuron_ReluBeforeTheBias_SaysAddTheBiasFirst()
    {
        var result = Chapter1.CheckNeuron((inputs, weights, bias) => Neuron(inputs, weights, 0f) + bias);

        AssertNotYetRight(result, "a negative weighted sum", "bias before ReLU");
    }

    [Fact]
    public void Neuron_ThatOverwritesItsInputs_IsToldItChangedThem()
    {
        var result = Chapter1.CheckNeuron((inputs, weights, bias) =>
        {
            for (int i = 0; i < inputs.Length; i++) inputs[i] *= weights[i];
            return Relu(inputs.Sum() + bias);
        });

        AssertNotYetRight(result, "changed the arrays");
    }

    [Fact]
    public void LargestBias_MinusTheWeightedSum_IsCorrect() =>
        Assert.Equal(ExerciseStatus.Correct, Chapter1.CheckLargestBias(-1.48).Status);

    [Fact]
    public void LargestBias_Null_IsNotAttempted()
    {
        var result = Chapter1.CheckLargestBias(null);
        Assert.Equal(ExerciseStatus.NotAttempted, result.Status);
        Assert.Contains("largestBias", result.Message);
    }

    [Fact]
    public void LargestBias_CancellingTheWholeTotal_SaysTheBiasReplacesTheOldOne() =>
        AssertNotYetRight(Chapter1.CheckLargestBias(-1.73), "the output is 0", "find the largest", "replaces 0.25");

    [Fact]
    public void LargestBias_WithTheWrongSign_SaysItIsNegative() =>
        AssertNotYetRight(Chapter1.CheckLargestBias(1.48), "output for inputs [0.5, -1.2, 3] is 2.96", "negative");

    private static Tensor NeuronOnBatch(Tensor x, Tensor w, float b) => ((x * w).Sum(1) + b).ClampMin(0f);

    [Fact]
    public void NeuronOnBatch_WithTensorOps_IsCorrect() =>
        Assert.Equal(ExerciseStatus.Correct, Chapter1.CheckNeuronOnBatch(NeuronOnBatch).Status);

    [Fact]
    public void NeuronOnBatch_PlaceholderOrNull_IsNotAttempted()
    {
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter1.CheckNeuronOnBatch((_, _, _) => throw new NotImplementedException()).Status);
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter1.CheckNeuronOnBatch(null).Status);
    }

    [Fact]
    public void NeuronOnBatch_SummingDownTheColumns_NamesTheShapeAndTheRows()
    {
        var result = Chapter1.CheckNeuronOnBatch((x, w, b) => ((x * w).Sum(0) + b).ClampMin(0f));

        AssertNotYetRight(result, "X of shape (4, 3)", "expected shape (4,), got (3,)", "along each row (dimension 1)");
    }

    [Fact]
    public void NeuronOnBatch_SummingDownTheColumns_IsCaughtEvenWhenTheShapesAgree()
    {
        // A learner who fixes the shape by hand for square inputs still sums the wrong way.
        var result = Chapter1.CheckNeuronOnBatch((x, w, b) => x.Size(0) == x.Size(1) ? ((x * w).Sum(0) + b).ClampMin(0f) : NeuronOnBatch(x, w, b));

        AssertNotYetRight(result, "X of shape (3, 3)", "the values differ", "along each row (dimension 1)");
    }

    [Fact]
    public void NeuronOnBatch_KeepingTheSummedDimension_SaysWithoutKeepDim() =>
        AssertNotYetRight(Chapter1.CheckNeuronOnBatch((x, w, b) => ((x * w).Sum(1, keepDim: true) + b).ClampMin(0f)),
            "expected shape (4,), got (4, 1)", "without keepDim");

    [Fact]
    public void NeuronOnBatch_WithoutRelu_SaysClampMin() =>
        AssertNotYetRight(Chapter1.CheckNeuronOnBatch((x, w, b) => (x * w).Sum(1) + b), "ClampMin(0f)");

    private static Tensor PyTorchLayer(Tensor x, Tensor weight, Tensor bias)
    {
        int batch = x.Size(0), nIn = x.Size(1), nOut = weight.Size(0);
        var result = Tensor.Zeros(batch, nOut);
        for (int s = 0; s < batch; s++)
            for (int j = 0; j < nOut; j++)
            {
                float total = bias[j].Item();
                for (int i = 0; i < nIn; i++) total += x[s, i] * weight[j, i];
                result[s, j] = total;
            }
        return result;
    }

    [Fact]
    public void PyTorchLayer_TripleLoop_IsCorrect() =>
        Assert.Equal(ExerciseStatus.Correct, Chapter1.CheckPyTorchLayer(PyTorchLayer).Status);

    [Fact]
    public void PyTorchLayer_PlaceholderOrNull_IsNotAttempted()
    {
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter1.CheckPyTorchLayer((_, _, _) => throw new NotImplementedException()).Status);
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter1.CheckPyTorchLayer(null).Status);
    }

    [Fact]
    public void PyTorchLayer_ReadingTheWeightTransposed_SaysWeightJI()
    {
        var result = Chapter1.CheckPyTorchLayer((x, weight, bias) =>
        {
            int batch = x.Size(0), nIn = x.Size(1), nOut = weight.Size(0);
            var result = Tensor.Zeros(batch, nOut);
            for (int s = 0; s < batch; s++)
                for (int j = 0; j < nOut; j++)
                {
                    float total = bias[j].Item();
                    for (int i = 0; i < nIn; i++) total += x[s, i] * weight[i, j];
                    result[s, j] = total;
                }
            return result;
        });

        AssertNotYetRight(result, "weight of shape (3, 3)", "the values differ", "weight[j, i], not weight[i, j]");
    }

    [Fact]
    public void PyTorchLayer_ForgettingTheBias_SaysAddIt() =>
        AssertNotYetRight(Chapter1.CheckPyTorchLayer((x, weight, bias) => PyTorchLayer(x, weight, Tensor.Zeros(bias.Shape))), "Add bias[j]");

    [Fact]
    public void PyTorchLayer_AddingARelu_SaysThereIsNone() =>
        AssertNotYetRight(Chapter1.CheckPyTorchLayer((x, weight, bias) => PyTorchLayer(x, weight, bias).ClampMin(0f)), "no ReLU");

    [Fact]
    public void PyTorchLayer_UsingTheInputCountForTheOutputs_NamesBothShapes() =>
        AssertNotYetRight(Chapter1.CheckPyTorchLayer((x, weight, bias) =>
            {
                var result = Tensor.Zeros(x.Size(0), x.Size(1));
                for (int s = 0; s < x.Size(0); s++)
                    for (int j = 0; j < Math.Min(x.Size(1), weight.Size(0)); j++)
                    {
                        float total = bias[j].Item();
                        for (int i = 0; i < x.Size(1); i++) total += x[s, i] * weight[j, i];
                        result[s, j] = total;
                    }
                return result;
            }),
            "weight of shape (4, 3)", "expected shape (2, 4), got (2, 3)", "nOut is weight's first size");

    private static double PredictStd(int nIn, double inputStd, double weightStd, bool relu)
    {
        double sumsStd = Math.Sqrt(nIn) * inputStd * weightStd;
        return relu ? sumsStd * Math.Sqrt((1 - 1 / Math.PI) / 2) : sumsStd;
    }

    [Fact]
    public void PredictStd_FromVariances_IsCorrect() =>
        Assert.Equal(ExerciseStatus.Correct, Chapter1.CheckPredictStd(PredictStd).Status);

    [Theory]
    [InlineData(0.98)]
    [InlineData(1.02)]
    public void PredictStd_TheMeasurementsSitWellInsideTheTolerance(double factor) =>
        Assert.Equal(ExerciseStatus.Correct, Chapter1.CheckPredictStd((n, x, w, r) => factor * PredictStd(n, x, w, r)).Status);

    [Fact]
    public void PredictStd_PlaceholderOrNull_IsNotAttempted()
    {
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter1.CheckPredictStd((_, _, _, _) => throw new NotImplementedException()).Status);
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter1.CheckPredictStd(null).Status);
    }

    [Fact]
    public void PredictStd_RootMeanSquareAfterRelu_SaysTheMeanIsNoLongerZero() =>
        AssertNotYetRight(Chapter1.CheckPredictStd((n, x, w, r) => Math.Sqrt(n) * x * w / (r ? Math.Sqrt(2) : 1)),
            "nIn = 100, input std 1, weight std 1, ReLU after it", "got 7.07107", "the mean is no longer 0");

    [Fact]
    public void PredictStd_IgnoringRelu_SaysItShrinksTheStd() =>
        AssertNotYetRight(Chapter1.CheckPredictStd((n, x, w, _) => Math.Sqrt(n) * x * w), "ReLU after it", "got 10", "shrinks the std");

    [Fact]
    public void PredictStd_AddingStdsInsteadOfVariances_SaysSquareRootOfNIn() =>
        AssertNotYetRight(Chapter1.CheckPredictStd((n, x, w, r) => n * PredictStd(1, x, w, r)), "no ReLU", "got 100", "√nIn");

    [Fact]
    public void PredictStd_IgnoringTheInputStd_IsCaughtOnTheCaseWhereItIsNotOne() =>
        AssertNotYetRight(Chapter1.CheckPredictStd((n, _, w, r) => PredictStd(n, 1, w, r)), "input std 2", "variance of one product");

    /// <summary>The chapter's estimates: 0.58·√width after layer 1, then √(width/2) per layer, until float.MaxValue.</summary>
    private static int LayerWhereStdOverflows(int width, bool reluOnLayerOne = true, bool halving = true)
    {
        double std = Math.Sqrt(width) * (reluOnLayerOne ? Math.Sqrt((1 - 1 / Math.PI) / 2) : 1);
        double factor = Math.Sqrt(halving ? width / 2.0 : width);
        int layer = 1;
        while (std <= float.MaxValue) { std *= factor; layer++; }
        return layer;
    }

    [Fact]
    public void OverflowLayer_FromTheEstimates_IsCorrectAndTellsWhereARealStackOverflowed()
    {
        var result = Chapter1.CheckOverflowLayer(w => LayerWhereStdOverflows(w));
        Assert.Equal(ExerciseStatus.Correct, result.Status);
        Assert.Contains("first infinity appeared at layer 45", result.Message);
    }

    [Fact]
    public void OverflowLayer_OneLayerOff_IsStillCorrect() =>
        Assert.Equal(ExerciseStatus.Correct, Chapter1.CheckOverflowLayer(w => LayerWhereStdOverflows(w) - 1).Status);

    [Fact]
    public void OverflowLayer_PlaceholderOrNull_IsNotAttempted()
    {
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter1.CheckOverflowLayer(_ => throw new NotImplementedException()).Status);
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter1.CheckOverflowLayer(null).Status);
    }

    [Fact]
    public void OverflowLayer_GrowingBySqrtWidth_SaysReluHalvesTheMeanSquare() =>
        AssertNotYetRight(Chapter1.CheckOverflowLayer(w => LayerWhereStdOverflows(w, halving: false)),
            "LayerWhereStdOverflows(100): expected layer 46", "got 39", "√(width/2), not √width");

    [Fact]
    public void OverflowLayer_NoReluOnTheFirstLayer_IsCaughtOnTheNarrowStack() =>
        AssertNotYetRight(Chapter1.CheckOverflowLayer(w => LayerWhereStdOverflows(w, reluOnLayerOne: false)),
            "LayerWhereStdOverflows(4): expected layer 257", "got 255", "Layer 1 ends with a ReLU too");

    [Fact]
    public void OverflowLayer_FarTooDeep_SaysTooMany() =>
        AssertNotYetRight(Chapter1.CheckOverflowLayer(w => 2 * LayerWhereStdOverflows(w)), "expected layer 46", "Too many layers");

    /// <summary>A right answer: the std after each ReLU layer, and the (depth − 1)-th root of the growth from layer 1.</summary>
    private static double GrowthPerLayer(Tensor input, Func<int, int, Tensor> drawWeights, int depth, bool relu = true, bool perLayer = true)
    {
        int width = input.Size(1);
        var h = input;
        double first = 0, last = 0;
        for (int layer = 1; layer <= depth; layer++)
        {
            h = h.MatMul(drawWeights(width, width));
            if (relu) h = h.ClampMin(0f);
            last = h.Std().Item();
            if (layer == 1) first = last;
        }
        return perLayer ? Math.Pow(last / first, 1.0 / (depth - 1)) : last / first;
    }

    [Fact]
    public void GrowthPerLayer_Measured_IsCorrect() =>
        Assert.Equal(ExerciseStatus.Correct, Chapter1.CheckGrowthPerLayer((x, draw, depth) => GrowthPerLayer(x, draw, depth)).Status);

    [Fact]
    public void GrowthPerLayer_PlaceholderOrNull_IsNotAttempted()
    {
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter1.CheckGrowthPerLayer((_, _, _) => throw new NotImplementedException()).Status);
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter1.CheckGrowthPerLayer(null).Status);
    }

    [Fact]
    public void GrowthPerLayer_WithoutRelu_SaysPutOneAfterEveryLayer() =>
        AssertNotYetRight(Chapter1.CheckGrowthPerLayer((x, draw, depth) => GrowthPerLayer(x, draw, depth, relu: false)),
            "width 100 with standard normal weights", "about √2 too large", "ClampMin(0f)");

    [Fact]
    public void GrowthPerLayer_TheWholeGrowth_SaysTakeTheRoot() =>
        AssertNotYetRight(Chapter1.CheckGrowthPerLayer((x, draw, depth) => GrowthPerLayer(x, draw, depth, perLayer: false)),
            "whole growth from layer 1 to the last", "(depth − 1)-th root");

    [Fact]
    public void GrowthPerLayer_TheEstimateForStdOneWeights_IsCaughtWhereTheWeightsDiffer() =>
        AssertNotYetRight(Chapter1.CheckGrowthPerLayer((x, _, _) => Math.Sqrt(x.Size(1) / 2.0)),
            "drew 0 weight matrices", "drawWeights(width, width)");

    [Fact]
    public void GrowthPerLayer_IgnoringTheWeightsStd_IsCaughtOnTheStdHalfCase() =>
        AssertNotYetRight(Chapter1.CheckGrowthPerLayer((x, draw, depth) => { _ = GrowthPerLayer(x, draw, depth); return Math.Sqrt(x.Size(1) / 2.0); }),
            "width 50 with normal weights with std 0.5", "the estimate √(width/2)·(weight std) is 2.5");
}
