namespace Foundations;

/// <summary>What a classifier scores on a set of images: its outputs, the <see cref="OneHotMse"/> loss and the accuracy.</summary>
public sealed record Evaluation(Tensor Outputs, double Loss, double Accuracy)
{
    public Tensor Outputs { get; init; } = Outputs ?? throw new ArgumentNullException(nameof(Outputs), "Evaluation: the outputs are null");
}

/// <summary>
/// Chapter 6's helpers for a classifier with one output per class: one-hot targets, accuracy, and
/// an evaluation pass. Labels are a 1-d tensor of class numbers 0..c-1 (stored as floats).
/// </summary>
public static class Classification
{
    /// <summary>An (n, classes) tensor with a 1 in column labels[i] of row i and 0 elsewhere (PyTorch's <c>F.one_hot</c>).</summary>
    public static Tensor OneHot(Tensor labels, int classes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        return OneHotChecked(labels, classes, "OneHot");
    }

    private static Tensor OneHotChecked(Tensor labels, int classes, string operation)
    {
        var classOf = CheckLabels(labels, classes, operation);
        var result = Tensor.Zeros(classOf.Length, classes);
        for (int i = 0; i < classOf.Length; i++) result.SetValue(1f, i, classOf[i]);
        return result;
    }

    /// <summary>The fraction of rows whose largest output is in the labelled class (<c>ArgMax(1)</c>; the first on ties).</summary>
    public static double Accuracy(Tensor outputs, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        CheckOutputs(outputs, labels, "Accuracy");
        CheckLabels(labels, outputs.Size(1), "Accuracy");
        return outputs.ArgMax(1).Eq(labels).Mean().Item();
    }

    /// <summary>
    /// Runs <paramref name="model"/>'s forward pass on <paramref name="x"/>, then scores the outputs
    /// against <paramref name="labels"/>. Forward hooks on the model see this pass like any other.
    /// </summary>
    public static Evaluation Evaluate(Module model, Tensor x, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(labels);
        if (x.Rank == 0 || labels.Rank != 1 || labels.Size(0) != x.Size(0))
            throw new ArgumentException($"Classification.Evaluate: expects one label per input row, got inputs of shape {x.ShapeString} and labels of shape {labels.ShapeString}.");
        var outputs = model.Forward(x);
        double accuracy = Accuracy(outputs, labels);
        double loss = new OneHotMse().Forward(outputs, OneHot(labels, outputs.Size(1))).Item();
        return new Evaluation(outputs, loss, accuracy);
    }

    /// <summary>
    /// The mean over the batch of -log softmax(logits)[i, labels[i]] (PyTorch's <c>F.cross_entropy</c>):
    /// logits of shape (n, c), labels of shape (n,) holding class numbers 0..c-1 as floats. Built from
    /// operations that record, so <c>Backward()</c> through it needs no rule of its own (chapter 7).
    /// </summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor labels)
    {
        var oneHot = CheckClassification(logits, labels, "Classification.CrossEntropy");
        // Multiplying by the one-hot rows picks each row's labelled entry; the other c - 1 terms are zero.
        return logits.LogSoftmax(1).Mul(oneHot).Sum(1).Mean().Neg();
    }

    /// <summary>
    /// The gradient of <see cref="CrossEntropy"/> worked out by hand, with no graph:
    /// dL/dlogits = (softmax(logits) - one_hot(labels)) / n.
    /// </summary>
    public static Tensor CrossEntropyGradient(Tensor logits, Tensor labels)
    {
        var oneHot = CheckClassification(logits, labels, "Classification.CrossEntropyGradient");
        using (Autograd.NoGrad())
            return logits.Softmax(1).Sub(oneHot).Div(Tensor.Scalar(logits.Size(0)));
    }

    private static Tensor CheckClassification(Tensor logits, Tensor labels, string operation)
    {
        Require.NotNull(logits, operation);
        Require.NotNull(labels, operation);
        if (logits.Rank != 2 || logits.Size(0) == 0 || logits.Size(1) == 0 || labels.Rank != 1 || labels.Size(0) != logits.Size(0))
            throw new ArgumentException($"{operation}: expects logits of shape (n, c) and labels of shape (n,) with n, c > 0, got {logits.ShapeString} and {labels.ShapeString}.");
        return OneHotChecked(labels, logits.Size(1), operation);
    }

    private static void CheckOutputs(Tensor outputs, Tensor labels, string operation)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (outputs.Rank != 2 || outputs.Size(1) == 0 || labels.Rank != 1 || labels.Size(0) != outputs.Size(0) || labels.Size(0) == 0)
            throw new ArgumentException($"{operation}: expects outputs of shape (n, c) and labels of shape (n,) with n, c > 0, got {outputs.ShapeString} and {labels.ShapeString}.");
    }

    // The labels as class numbers, or an error naming the first one that is not a class.
    private static int[] CheckLabels(Tensor labels, int classes, string operation)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Rank != 1)
            throw new ArgumentException($"{operation}: expects labels of shape (n,), got {labels.ShapeString}.");
        var values = labels.ToArray();
        var classOf = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            float label = values[i];
            if (!(label >= 0 && label < classes) || label != MathF.Floor(label))
                throw new ArgumentException($"{operation}: label {label} at index {i} is not a class number in 0..{classes - 1}.");
            classOf[i] = (int)label;
        }
        return classOf;
    }
}
