namespace Course.Exercises.Tests;

/// <summary>
/// Chapter 6's checks: a right answer passes, the placeholder and null are "not attempted", and the
/// mistakes a learner really makes are "not right yet" with the fact that helps.
/// </summary>
public sealed class Chapter6Tests
{
    // 6.1 and 6.2: accuracy and confusion matrix.

    private static int Predicted(Tensor outputs, int row, bool lastOnTies = false, bool maximumFromZero = false)
    {
        int best = 0;
        float largest = maximumFromZero ? 0f : outputs[row, 0];
        for (int j = 0; j < outputs.Size(1); j++)
            if (outputs[row, j] > largest || (lastOnTies && outputs[row, j] == largest)) { largest = outputs[row, j]; best = j; }
        return best;
    }

    private static double RightCount(Tensor outputs, Tensor labels, bool lastOnTies = false, bool maximumFromZero = false)
    {
        int right = 0;
        for (int i = 0; i < outputs.Size(0); i++)
            if (Predicted(outputs, i, lastOnTies, maximumFromZero) == (int)labels.GetValue(i)) right++;
        return right;
    }

    private static double Accuracy(Tensor outputs, Tensor labels) => RightCount(outputs, labels) / outputs.Size(0);

    private static int[,] ConfusionMatrix(Tensor outputs, Tensor labels)
    {
        var counts = new int[outputs.Size(1), outputs.Size(1)];
        for (int i = 0; i < outputs.Size(0); i++) counts[(int)labels.GetValue(i), Predicted(outputs, i)]++;
        return counts;
    }

    [Fact]
    public void Accuracy_ByHandWithLoops_IsCorrect() =>
        Assert.Equal(ExerciseStatus.Correct, Chapter6.CheckAccuracy(Accuracy).Status);

    [Fact]
    public void Accuracy_PlaceholderOrNull_IsNotAttempted()
    {
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter6.CheckAccuracy((_, _) => throw new NotImplementedException()).Status);
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter6.CheckAccuracy(null).Status);
    }

    [Fact]
    public void Accuracy_ThatReturnsTheCount_IsToldToDivide()
    {
        var result = Chapter6.CheckAccuracy((outputs, labels) => RightCount(outputs, labels));

        Assert.Equal(ExerciseStatus.NotYetRight, result.Status);
        Assert.Contains("expected 0.625", result.Message);
        Assert.Contains("fraction of the rows", result.Message);
    }

    [Fact]
    public void Accuracy_WhoseRunningMaximumStartsAtZero_IsToldAboutNegativeOutputs()
    {
        var result = Chapter6.CheckAccuracy((outputs, labels) => RightCount(outputs, labels, maximumFromZero: true) / outputs.Size(0));

        Assert.Equal(ExerciseStatus.NotYetRight, result.Status);
        Assert.Contains("all negative", result.Message);
        Assert.Contains("expected 1 (give or take 1e-06), got 0.25", result.Message);
        Assert.Contains("float.NegativeInfinity", result.Message);
    }

    [Fact]
    public void Accuracy_ThatTakesTheLastOfTiedOutputs_IsToldToTakeTheFirst()
    {
        var result = Chapter6.CheckAccuracy((outputs, labels) => RightCount(outputs, labels, lastOnTies: true) / outputs.Size(0));

        Assert.Equal(ExerciseStatus.NotYetRight, result.Status);
        Assert.Contains("ties", result.Message);
        Assert.Contains("strictly larger", result.Message);
    }

    [Fact]
    public void Accuracy_ThatTakesTheLargestOfEachColumn_IsNotRight()
    {
        // Argmax over the rows of each column instead of the columns of each row.
        var result = Chapter6.CheckAccuracy((outputs, labels) =>
        {
            int right = 0, columns = outputs.Size(1);
            for (int i = 0; i < outputs.Size(0); i++)
            {
                int j = i % columns, best = 0;
                for (int r = 1; r < outputs.Size(0); r++) if (outputs[r, j] > outputs[best, j]) best = r;
                if (best == (int)labels.GetValue(i)) right++;
            }
            return (double)right / outputs.Size(0);
        });

        Assert.Equal(ExerciseStatus.NotYetRight, result.Status);
        Assert.Contains("Accuracy on outputs of shape", result.Message);
        Assert.Contains("largest outputs[i, j]", result.Message);
    }

    [Fact]
    public void Accuracy_ThatChangesItsInput_IsToldToLeaveItAlone()
    {
        var result = Chapter6.CheckAccuracy((outputs, labels) =>
        {
            double value = Accuracy(outputs, labels);
            labels.Fill(0f);
            return value;
        });

        Assert.Equal(ExerciseStatus.NotYetRight, result.Status);
        Assert.Contains("changed labels", result.Message);
    }

    [Fact]
    public void Accuracy_ThatThrows_NamesTheCase()
    {
        var result = Chapter6.CheckAccuracy((outputs, labels) => outputs.Size(1) == 1 ? throw new IndexOutOfRangeException("no second column") : Accuracy(outputs, labels));

        Assert.Equal(ExerciseStatus.NotYetRight, result.Status);
        Assert.Contains("(6, 1), a single class: your code threw IndexOutOfRangeException", result.Message);
    }

    [Fact]
    public void ConfusionMatrix_ByHand_IsCorrect() =>
        Assert.Equal(ExerciseStatus.Correct, Chapter6.CheckConfusionMatrix(ConfusionMatrix).Status);

    [Fact]
    public void ConfusionMatrix_PlaceholderOrNull_IsNotAttempted()
    {
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter6.CheckConfusionMatrix((_, _) => throw new NotImplementedException()).Status);
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter6.CheckConfusionMatrix(null).Status);
    }

    [Fact]
    public void ConfusionMatrix_Transposed_IsToldSo()
    {
        var result = Chapter6.CheckConfusionMatrix((outputs, labels) =>
        {
            var right = ConfusionMatrix(outputs, labels);
            var transposed = new int[right.GetLength(1), right.GetLength(0)];
            for (int t = 0; t < right.GetLength(0); t++)
                for (int p = 0; p < right.GetLength(1); p++) transposed[p, t] = right[t, p];
            return transposed;
        });

        Assert.Equal(ExerciseStatus.NotYetRight, result.Status);
        Assert.Contains("(true class", result.Message);
        Assert.Contains("your array is the transpose", result.Message);
    }

    [Fact]
    public void ConfusionMatrix_SizedByTheLabelsSeen_NamesTheSize()
    {
        // Sized by the largest label + 1: one short when the last class never occurs as a label.
        var result = Chapter6.CheckConfusionMatrix((outputs, labels) =>
        {
            int classes = (int)labels.Max().Item() + 1;
            var counts = new int[classes, classes];
            for (int i = 0; i < outputs.Size(0); i++) counts[(int)labels.GetValue(i), Math.Min(Predicted(outputs, i), classes - 1)]++;
            return counts;
        });

        Assert.Equal(ExerciseStatus.NotYetRight, result.Status);
        Assert.Contains("(1, 4) and label 2: expected a 4 × 4 array, got 3 × 3", result.Message);
        Assert.Contains("outputs.Size(1)", result.Message);
    }

    [Fact]
    public void ConfusionMatrix_ThatCountsTiesForEveryTiedClass_SaysWhatTheEntriesAddUpTo()
    {
        var result = Chapter6.CheckConfusionMatrix((outputs, labels) =>
        {
            var counts = new int[outputs.Size(1), outputs.Size(1)];
            for (int i = 0; i < outputs.Size(0); i++)
            {
                float largest = outputs[i, Predicted(outputs, i)];
                for (int j = 0; j < outputs.Size(1); j++) if (outputs[i, j] == largest) counts[(int)labels.GetValue(i), j]++;
            }
            return counts;
        });

        Assert.Equal(ExerciseStatus.NotYetRight, result.Status);
        Assert.Contains("ties", result.Message);
        Assert.Contains("add up to 3; yours add up to 8", result.Message);
    }

    // 6.3: a leaky ReLU module.

    private enum LeakyMistake { None, ReluBackward, OverwritesGrad, FixedSlope, GateIncludesZero, ReluForward, WritesIntoOutGrad }

    private sealed class TestLeakyRelu(float slope, LeakyMistake mistake = LeakyMistake.None) : Module
    {
        private float Slope => mistake == LeakyMistake.FixedSlope ? 0.01f : slope;

        private Tensor Factor(Tensor inp, float negative)
        {
            var positive = mistake == LeakyMistake.GateIncludesZero ? inp >= Tensor.Scalar(0f) : inp > 0f;
            return positive + (1f - positive) * negative;
        }

        protected override Tensor Compute(Tensor inp) => inp * Factor(inp, mistake == LeakyMistake.ReluForward ? 0f : Slope);

        protected override void ComputeGradients(Tensor inp, Tensor outGrad)
        {
            var factor = Factor(inp, mistake == LeakyMistake.ReluBackward ? 0f : Slope);
            if (mistake == LeakyMistake.WritesIntoOutGrad)
            {
                outGrad.CopyFrom(outGrad * factor);
                inp.Grad = outGrad;
                return;
            }
            var share = outGrad * factor;
            inp.Grad = inp.Grad is null || mistake == LeakyMistake.OverwritesGrad ? share : inp.Grad + share;
        }
    }

    private sealed class PlaceholderLeakyRelu : Module
    {
        protected override Tensor Compute(Tensor inp) => throw new NotImplementedException();
        protected override void ComputeGradients(Tensor inp, Tensor outGrad) => throw new NotImplementedException();
    }

    private static ExerciseResult CheckLeaky(LeakyMistake mistake) => Chapter6.CheckLeakyRelu(slope => new TestLeakyRelu(slope, mistake));

    [Fact]
    public void LeakyRelu_WrittenLikeRelu_IsCorrect() => Assert.Equal(ExerciseStatus.Correct, CheckLeaky(LeakyMistake.None).Status);

    [Fact]
    public void LeakyRelu_PlaceholderOrNull_IsNotAttempted()
    {
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter6.CheckLeakyRelu(_ => new PlaceholderLeakyRelu()).Status);
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter6.CheckLeakyRelu(null).Status);
    }

    [Fact]
    public void LeakyRelu_WithRelusBackward_IsToldTheNegativeSlope()
    {
        var result = CheckLeaky(LeakyMistake.ReluBackward);

        Assert.Equal(ExerciseStatus.NotYetRight, result.Status);
        Assert.Contains("Backward: the gradient on the input", result.Message);
        Assert.Contains("the local slope is Slope, not 0", result.Message);
    }

    [Fact]
    public void LeakyRelu_WithRelusForward_IsToldTheNegativeSide()
    {
        var result = CheckLeaky(LeakyMistake.ReluForward);

        Assert.Equal(ExerciseStatus.NotYetRight, result.Status);
        Assert.Contains("LeakyRelu(0.2) on a (3, 4) input with negative, zero and positive values, Forward", result.Message);
        Assert.Contains("at [1, 1] expected -0.6", result.Message);
        Assert.Contains("Slope × input, not 0", result.Message);
    }

    [Fact]
    public void LeakyRelu_WithAFixedSlope_IsToldToUseItsOwn()
    {
        var result = CheckLeaky(LeakyMistake.FixedSlope);

        Assert.Equal(ExerciseStatus.NotYetRight, result.Status);
        Assert.Contains("not a fixed 0.01", result.Message);
    }

    [Fact]
    public void LeakyRelu_WhoseGateLetsZeroThrough_IsToldTheRuleAtZero()
    {
        var result = CheckLeaky(LeakyMistake.GateIncludesZero);

        Assert.Equal(ExerciseStatus.NotYetRight, result.Status);
        Assert.Contains("Backward: the gradient on the input", result.Message);
        Assert.Contains("exactly 0", result.Message);
    }

    [Fact]
    public void LeakyRelu_ThatOverwritesTheGradient_IsToldGradientsAccumulate()
    {
        var result = CheckLeaky(LeakyMistake.OverwritesGrad);

        Assert.Equal(ExerciseStatus.NotYetRight, result.Status);
        Assert.Contains("already holds a gradient", result.Message);
        Assert.Contains("accumulate", result.Message);
    }

    [Fact]
    public void LeakyRelu_ThatWritesIntoTheOutputsGradient_IsToldItChangedAnInput()
    {
        var result = CheckLeaky(LeakyMistake.WritesIntoOutGrad);

        Assert.Equal(ExerciseStatus.NotYetRight, result.Status);
        Assert.Contains("changed outGrad", result.Message);
    }

    // 6.4: SGD with momentum and weight decay.

    private static (Tensor, Tensor) SgdStep(Tensor p, Tensor grad, Tensor velocity, float lr, float momentum, float weightDecay)
    {
        var g = grad + p * weightDecay;
        var newVelocity = velocity * momentum + g;
        return (p - newVelocity * lr, newVelocity);
    }

    [Fact]
    public void SgdStep_AsPyTorchTakesIt_IsCorrect() => Assert.Equal(ExerciseStatus.Correct, Chapter6.CheckSgdStep(SgdStep).Status);

    [Fact]
    public void SgdStep_PlaceholderOrNull_IsNotAttempted()
    {
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter6.CheckSgdStep((_, _, _, _, _, _) => throw new NotImplementedException()).Status);
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter6.CheckSgdStep(null).Status);
    }

    [Fact]
    public void SgdStep_WithTheLearningRateInsideTheVelocity_IsToldWhereLrGoes()
    {
        var result = Chapter6.CheckSgdStep((p, grad, velocity, lr, momentum, weightDecay) =>
        {
            var newVelocity = velocity * momentum + (grad + p * weightDecay) * lr;
            return (p - newVelocity, newVelocity);
        });

        Assert.Equal(ExerciseStatus.NotYetRight, result.Status);
        Assert.Contains("plain SGD", result.Message);
        Assert.Contains("the new velocity", result.Message);
        Assert.Contains("your velocity includes the learning rate", result.Message);
    }

    [Fact]
    public void SgdStep_WithWeightDecayAddedAfterTheVelocity_IsToldWhereItJoins()
    {
        var result = Chapter6.CheckSgdStep((p, grad, velocity, lr, momentum, weightDecay) =>
        {
            var newVelocity = velocity * momentum + grad;
            return (p - (newVelocity + p * weightDecay) * lr, newVelocity);
        });

        Assert.Equal(ExerciseStatus.NotYetRight, result.Status);
        Assert.Contains("weight decay 0.01", result.Message);
        Assert.Contains("joins the gradient before it enters the velocity", result.Message);
    }

    [Fact]
    public void SgdStep_ThatStepsWithTheOldVelocity_IsToldToUseTheNewOne()
    {
        var result = Chapter6.CheckSgdStep((p, grad, velocity, lr, momentum, weightDecay) =>
            (p - velocity * lr, velocity * momentum + grad + p * weightDecay));

        Assert.Equal(ExerciseStatus.NotYetRight, result.Status);
        Assert.Contains("the new p", result.Message);
        Assert.Contains("not the one you were given", result.Message);
    }

    [Fact]
    public void SgdStep_ThatUpdatesInPlace_IsToldItChangedP()
    {
        var result = Chapter6.CheckSgdStep((p, grad, velocity, lr, momentum, weightDecay) =>
        {
            var newVelocity = velocity * momentum + grad + p * weightDecay;
            p.AddInPlace(newVelocity, -lr);
            return (p, newVelocity);
        });

        Assert.Equal(ExerciseStatus.NotYetRight, result.Status);
        Assert.Contains("your code changed p", result.Message);
    }

    [Fact]
    public void SgdStep_WithWeightDecayTheWrongWay_IsToldItPullsTowardsZero()
    {
        var result = Chapter6.CheckSgdStep((p, grad, velocity, lr, momentum, weightDecay) =>
        {
            var newVelocity = velocity * momentum + grad - p * weightDecay;
            return (p - newVelocity * lr, newVelocity);
        });

        Assert.Equal(ExerciseStatus.NotYetRight, result.Status);
        Assert.Contains("pulls p towards 0", result.Message);
    }

    [Fact]
    public void SgdStep_WithMomentumAppliedToTheGradient_GetsAHintThatGivesNoFormulaAway()
    {
        // (1 - momentum) × g: PyTorch's "dampening", which the task does not describe.
        var result = Chapter6.CheckSgdStep((p, grad, velocity, lr, momentum, weightDecay) =>
        {
            var newVelocity = velocity * momentum + (grad + p * weightDecay) * (1 - momentum);
            return (p - newVelocity * lr, newVelocity);
        });

        Assert.Equal(ExerciseStatus.NotYetRight, result.Status);
        Assert.Contains("momentum 0.9", result.Message);
        Assert.Contains("this step's gradient counts once", result.Message);
        Assert.DoesNotContain("momentum × velocity + g", result.Message);
    }

    // 6.5: warm-up, then cosine decay.

    private static Func<int, float> WarmupThenCosine(float peak, int warmupSteps, int totalSteps) => step =>
    {
        if (step < warmupSteps) return peak * (step + 1) / warmupSteps;
        if (step >= totalSteps) return 0f;
        float progress = (float)(step - warmupSteps) / (totalSteps - warmupSteps);
        return peak * (1 + MathF.Cos(MathF.PI * progress)) / 2;
    };

    [Fact]
    public void WarmupThenCosine_AsSpecified_IsCorrect() =>
        Assert.Equal(ExerciseStatus.Correct, Chapter6.CheckWarmupThenCosine(WarmupThenCosine).Status);

    [Fact]
    public void WarmupThenCosine_PlaceholderOrNull_IsNotAttempted()
    {
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter6.CheckWarmupThenCosine((_, _, _) => throw new NotImplementedException()).Status);
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter6.CheckWarmupThenCosine((_, _, _) => _ => throw new NotImplementedException()).Status);
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter6.CheckWarmupThenCosine(null).Status);
    }

    [Fact]
    public void WarmupThenCosine_WithIntegerDivisionInTheWarmup_IsToldAboutIt()
    {
        var result = Chapter6.CheckWarmupThenCosine((peak, warmup, total) =>
        {
            var right = WarmupThenCosine(peak, warmup, total);
            return step => step < warmup ? peak * ((step + 1) / warmup) : right(step);
        });

        Assert.Equal(ExerciseStatus.NotYetRight, result.Status);
        Assert.Contains("WarmupThenCosine(0.1, 50, 2000) at step 0: expected 0.002", result.Message);
        Assert.Contains("integer division", result.Message);
    }

    [Fact]
    public void WarmupThenCosine_ThatRisesAgainAfterTheEnd_IsToldItStaysAtZero()
    {
        var result = Chapter6.CheckWarmupThenCosine((peak, warmup, total) => step =>
            step < warmup ? peak * (step + 1) / warmup : peak * (1 + MathF.Cos(MathF.PI * (step - warmup) / (total - warmup))) / 2);

        Assert.Equal(ExerciseStatus.NotYetRight, result.Status);
        Assert.Contains("at step 10000", result.Message);
        Assert.Contains("stays 0", result.Message);
    }

    [Fact]
    public void WarmupThenCosine_WhoseCosineStartsAtStepZero_IsToldWhereItStarts()
    {
        var result = Chapter6.CheckWarmupThenCosine((peak, warmup, total) => step =>
            step < warmup ? peak * (step + 1) / warmup : step >= total ? 0f : peak * (1 + MathF.Cos(MathF.PI * step / total)) / 2);

        Assert.Equal(ExerciseStatus.NotYetRight, result.Status);
        Assert.Contains("at step 50: expected 0.1", result.Message);
        Assert.Contains("starts at step warmupSteps", result.Message);
    }

    [Fact]
    public void WarmupThenCosine_ThatCountsItsOwnCalls_IsToldToUseTheStep()
    {
        var result = Chapter6.CheckWarmupThenCosine((peak, warmup, total) =>
        {
            var right = WarmupThenCosine(peak, warmup, total);
            int calls = 0;
            return _ => right(calls++);
        });

        Assert.Equal(ExerciseStatus.NotYetRight, result.Status);
        Assert.Contains("step 0 gave 0.002 when first asked and 0.004 when asked again", result.Message);
        Assert.Contains("depend on the step alone", result.Message);
    }

    // 6.6: a tiny initialisation, watched.

    [Theory]
    [InlineData(3, 0.014, 0.21, -1.5)]
    [InlineData(3, 0.0098, 0.18, -1.29)]
    public void TinyInitialisation_WithValuesTheExperimentGives_IsCorrect(int layer, double outputStd, double tinyMean, double chapterMean) =>
        Assert.Equal(ExerciseStatus.Correct, Chapter6.CheckTinyInitialisation(layer, outputStd, tinyMean, chapterMean).Status);

    [Fact]
    public void TinyInitialisation_WithAnAnswerStillNull_IsNotAttemptedAndNamesIt()
    {
        var result = Chapter6.CheckTinyInitialisation(3, 0.014, null, -1.5);

        Assert.Equal(ExerciseStatus.NotAttempted, result.Status);
        Assert.Contains("tinyFirstLayerMean", result.Message);
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter6.CheckTinyInitialisation(null, null, null, null).Status);
    }

    [Fact]
    public void TinyInitialisation_ThatPicksTheReluLayer_IsNotToldTheAnswer()
    {
        var result = Chapter6.CheckTinyInitialisation(2, 0.014, 0.21, -1.5);

        Assert.Equal(ExerciseStatus.NotYetRight, result.Status);
        Assert.Contains("layer 2 is not the layer with the smallest std", result.Message);
        Assert.DoesNotContain("expected 3", result.Message);
    }

    [Fact]
    public void TinyInitialisation_WithTheChaptersOutputStd_IsToldToUseStdPointZeroOne()
    {
        var result = Chapter6.CheckTinyInitialisation(3, 0.95, 0.21, -1.5);

        Assert.Equal(ExerciseStatus.NotYetRight, result.Status);
        Assert.Contains("tinyOutputStd = 0.95", result.Message);
        Assert.Contains("std 0.01", result.Message);
    }

    [Fact]
    public void TinyInitialisation_WithTheMeansSwapped_IsToldSo()
    {
        var result = Chapter6.CheckTinyInitialisation(3, 0.014, -1.5, 0.21);

        Assert.Equal(ExerciseStatus.NotYetRight, result.Status);
        Assert.Contains("look swapped", result.Message);
    }

    [Fact]
    public void TinyInitialisation_WithTheChaptersRunWarmedUp_IsAskedAboutTheWarmup()
    {
        var result = Chapter6.CheckTinyInitialisation(3, 0.014, 0.21, -0.6);

        Assert.Equal(ExerciseStatus.NotYetRight, result.Status);
        Assert.Contains("chapterFirstLayerMean = -0.6", result.Message);
        Assert.Contains("no warm-up", result.Message);
    }

    /// <summary>The experiment of exercise 6.6 itself, from two seeds: what it measures is what the check accepts.</summary>
    [Theory]
    [InlineData(7UL)]
    [InlineData(2026UL)]
    public void TinyInitialisation_TheExperimentItself_GivesAnswersTheCheckAccepts(ulong seed)
    {
        var (images, labels) = FashionMnist.Load(FashionMnist.FindDataDirectory());
        float mean = images[..8000].Mean().Item(), std = images[..8000].Std().Item();
        var x = (images[..3200] - mean) / std;
        var y = Classification.OneHot(labels[..3200], 10);
        var generator = new Generator(seed);

        ActivationStats Train(Tensor w1, Tensor w2)
        {
            var network = new Sequential(new Lin(w1, Tensor.Zeros(50)), new Relu(), new Lin(w2, Tensor.Zeros(10)));
            var stats = new ActivationStats(network.Modules);
            var loss = new OneHotMse();
            var sgd = new Sgd(network.Parameters(), 0.1f);
            for (int step = 0; step < 100; step++)
            {
                var rows = (32 * step)..(32 * step + 32);
                sgd.ZeroGrad();
                loss.Forward(network.Forward(x[rows]), y[rows]);
                loss.Backward();
                network.Backward();
                sgd.Step();
            }
            stats.Dispose();
            return stats;
        }

        var tiny = Train(generator.Normal([784, 50]) * 0.01f, generator.Normal([50, 10]) * 0.01f);
        var chapter = Train(generator.Normal([784, 50]) * MathF.Sqrt(2f / 784), generator.Normal([50, 10]) * (1f / MathF.Sqrt(50)));

        var result = Chapter6.CheckTinyInitialisation(
            tiny.AtStep(0).MinBy(s => s.Std)!.Layer, tiny.AtStep(0)[3].Std, tiny.AtStep(99)[1].Mean, chapter.AtStep(99)[1].Mean);

        Assert.True(result.Status == ExerciseStatus.Correct, result.ToString());
    }

    // 6.7: the edges of the learning rate, with and without a warm-up.

    [Theory]
    [InlineData(0.1f, 1f, 1f)]
    [InlineData(0.05f, 0.7f, 0.7f)]
    public void LearningRateEdges_WithRatesWellInsideEachRegion_IsCorrect(float stable, float diverging, float rescued)
    {
        var result = Chapter6.CheckLearningRateEdges(stable, diverging, rescued);

        Assert.True(result.Status == ExerciseStatus.Correct, result.ToString());
    }

    [Fact]
    public void LearningRateEdges_WithAnAnswerStillNull_IsNotAttemptedAndNamesIt()
    {
        var result = Chapter6.CheckLearningRateEdges(0.1f, null, 1f);

        Assert.Equal(ExerciseStatus.NotAttempted, result.Status);
        Assert.Contains("divergingRate", result.Message);
        Assert.Equal(ExerciseStatus.NotAttempted, Chapter6.CheckLearningRateEdges(null, null, null).Status);
    }

    [Fact]
    public void LearningRateEdges_Swapped_IsAskedWhetherTheyAreSwapped()
    {
        var result = Chapter6.CheckLearningRateEdges(1f, 0.1f, 1f);

        Assert.Equal(ExerciseStatus.NotYetRight, result.Status);
        Assert.Contains("is not above stableRate", result.Message);
        Assert.Contains("swap", result.Message);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-0.1f)]
    [InlineData(float.NaN)]
    public void LearningRateEdges_WithARateThatIsNoRate_IsToldWhatARateIs(float stable)
    {
        var result = Chapter6.CheckLearningRateEdges(stable, 1f, 1f);

        Assert.Equal(ExerciseStatus.NotYetRight, result.Status);
        Assert.Contains("positive, finite", result.Message);
    }

    [Fact]
    public void LearningRateEdges_WithAStableRateOnTheEdge_IsToldItDivergedFromOneOfTheStarts()
    {
        // At 0.4 a constant rate diverges from most starts in 100 steps (34 of 40 measured), so some start of three does.
        var result = Chapter6.CheckLearningRateEdges(0.4f, 1f, 1f);

        Assert.Equal(ExerciseStatus.NotYetRight, result.Status);
        Assert.Contains("stableRate = 0.4 at a constant rate, from the check's start", result.Message);
        Assert.Contains("diverged at step", result.Message);
        Assert.Contains("further down", result.Message);
    }

    [Fact]
    public void LearningRateEdges_WithAStableRateTooSmallToLearn_IsToldItMustAlsoLearn()
    {
        var result = Chapter6.CheckLearningRateEdges(1e-5f, 1f, 1f);

        Assert.Equal(ExerciseStatus.NotYetRight, result.Status);
        Assert.Contains("not below half", result.Message);
        Assert.Contains("must also learn", result.Message);
    }

    [Fact]
    public void LearningRateEdges_WithADivergingRateThatTrains_IsToldToGoFurtherUp()
    {
        var result = Chapter6.CheckLearningRateEdges(0.05f, 0.1f, 1f);

        Assert.Equal(ExerciseStatus.NotYetRight, result.Status);
        Assert.Contains("divergingRate = 0.1 at a constant rate", result.Message);
        Assert.Contains("did not diverge", result.Message);
        Assert.Contains("further up", result.Message);
    }

    [Fact]
    public void LearningRateEdges_WithARescuedRateThatNeedsNoRescue_IsToldSo()
    {
        var result = Chapter6.CheckLearningRateEdges(0.05f, 1f, 0.1f);

        Assert.Equal(ExerciseStatus.NotYetRight, result.Status);
        Assert.Contains("rescuedRate = 0.1", result.Message);
        Assert.Contains("needs no rescue", result.Message);
    }

    [Fact]
    public void LearningRateEdges_WithARescuedRateBeyondAnyWarmup_IsToldAWarmupCannotRescueEveryRate()
    {
        var result = Chapter6.CheckLearningRateEdges(0.1f, 1f, 50f);

        Assert.Equal(ExerciseStatus.NotYetRight, result.Status);
        Assert.Contains("rescuedRate = 50, from the check's start 1 of 3, with the warm-up: the loss diverged", result.Message);
        Assert.Contains("cannot rescue every rate", result.Message);
    }
}
