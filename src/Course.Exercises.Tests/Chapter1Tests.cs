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

    [Fact]
    public void WeightScales_KaimingAndOneOverRootN_AreCorrect() =>
        Assert.Equal(ExerciseStatus.Correct, Chapter1.CheckWeightScales(Math.Sqrt(2.0 / 100), Math.Sqrt(1.0 / 100)).Status);

    [Fact]
    public void WeightScales_NullOrHalfDone_IsNotAttemptedAndNamesWhatIsMissing()
    {
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter1.CheckWeightScales(null, null).Status);
        var result = Chapter1.CheckWeightScales(0.14, null);
        Assert.Equal(ExerciseStatus.NotAttempted, result.Status);
        Assert.Contains("scaleWithoutRelu", result.Message);
    }

    [Fact]
    public void WeightScales_Swapped_SaysReluNeedsALargerScale() =>
        AssertNotYetRight(Chapter1.CheckWeightScales(0.1, Math.Sqrt(2.0 / 100)),
            "scaleWithRelu = 0.1, a ReLU after each layer", "outside 0.5 to 2", "multiplied by about 0.7", "too small", "larger scale");

    [Fact]
    public void WeightScales_TheChaptersUnscaledWeights_SayTooLarge() =>
        AssertNotYetRight(Chapter1.CheckWeightScales(1, 0.1), "layer 1's output has std 5.", "too large");

    [Fact]
    public void WeightScales_OneOverNInsteadOfOneOverRootN_SaysTooSmall() =>
        AssertNotYetRight(Chapter1.CheckWeightScales(Math.Sqrt(2.0 / 100), 0.01), "scaleWithoutRelu = 0.01, no ReLU", "layer 1's output has std 0.", "too small");
}
