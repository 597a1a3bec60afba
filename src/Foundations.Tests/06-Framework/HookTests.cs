using static Foundations.Tests.TestHelpers;

namespace Foundations.Tests;

/// <summary>Forward hooks: any module calls them after each forward pass, until their handle removes them.</summary>
public sealed class HookTests
{
    [Fact]
    public void Hook_IsCalledOncePerForward_WithTheModuleItsInputAndItsOutput()
    {
        var lin = new Lin(3, 2);
        var calls = new List<(Module Module, Tensor Input, Tensor Output)>();
        lin.RegisterForwardHook((module, input, output) => calls.Add((module, input, output)));
        var (x1, x2) = (RandomTensor(new Random(1), 4, 3), RandomTensor(new Random(2), 5, 3));

        var y1 = lin.Forward(x1);
        var y2 = lin.Forward(x2);

        Assert.Equal(2, calls.Count);
        Assert.Same(lin, calls[0].Module);
        Assert.Same(x1, calls[0].Input);
        Assert.Same(y1, calls[0].Output);
        Assert.Same(x2, calls[1].Input);
        Assert.Same(y2, calls[1].Output);
    }

    [Fact]
    public void Hooks_RunInTheOrderRegistered_AndInnerModulesBeforeTheirSequential()
    {
        var relu = new Relu();
        var net = new Sequential(new Lin(2, 2), relu);
        var order = new List<string>();
        net.RegisterForwardHook((_, _, _) => order.Add("sequential"));
        relu.RegisterForwardHook((_, _, _) => order.Add("relu first"));
        relu.RegisterForwardHook((_, _, _) => order.Add("relu second"));

        net.Forward(Tensor.Ones(1, 2));

        Assert.Equal(["relu first", "relu second", "sequential"], order);
    }

    [Fact]
    public void Remove_StopsTheCalls_AndLeavesOtherHooksInPlace()
    {
        var relu = new Relu();
        int removedCalls = 0, keptCalls = 0;
        var removed = relu.RegisterForwardHook((_, _, _) => removedCalls++);
        relu.RegisterForwardHook((_, _, _) => keptCalls++);
        relu.Forward(Tensor.Ones(2));

        removed.Remove();
        relu.Forward(Tensor.Ones(2));

        Assert.Equal(1, removedCalls);
        Assert.Equal(2, keptCalls);
        Assert.False(removed.IsRegistered);
    }

    [Fact]
    public void Dispose_RemovesTheHook_AndASecondRemoveIsHarmless()
    {
        var relu = new Relu();
        int calls = 0;
        using (relu.RegisterForwardHook((_, _, _) => calls++))
            relu.Forward(Tensor.Ones(2));

        relu.Forward(Tensor.Ones(2));
        var handle = relu.RegisterForwardHook((_, _, _) => calls += 10);
        handle.Dispose();
        handle.Remove();
        relu.Forward(Tensor.Ones(2));

        Assert.Equal(1, calls);
    }

    [Fact]
    public void SameDelegateTwice_GivesTwoRegistrations_RemovedOneAtATime()
    {
        var relu = new Relu();
        int calls = 0;
        ForwardHook count = (_, _, _) => calls++;
        var first = relu.RegisterForwardHook(count);
        relu.RegisterForwardHook(count);

        first.Remove();
        relu.Forward(Tensor.Ones(2));

        Assert.Equal(1, calls);
    }

    [Fact]
    public void AHookThatRemovesItself_FinishesThePass_AndIsNotCalledAgain()
    {
        var relu = new Relu();
        int selfCalls = 0, laterCalls = 0;
        ForwardHookHandle? self = null;
        self = relu.RegisterForwardHook((_, _, _) => { selfCalls++; self!.Remove(); });
        relu.RegisterForwardHook((_, _, _) => laterCalls++);

        relu.Forward(Tensor.Ones(2));
        relu.Forward(Tensor.Ones(2));

        Assert.Equal(1, selfCalls);
        Assert.Equal(2, laterCalls);
    }

    [Fact]
    public void AFailedForward_CallsNoHook()
    {
        var lin = new Lin(3, 2);
        int calls = 0;
        lin.RegisterForwardHook((_, _, _) => calls++);

        Assert.Throws<ArgumentException>(() => lin.Forward(Tensor.Ones(4, 5)));

        Assert.Equal(0, calls);
    }

    [Fact]
    public void RegisterForwardHook_RejectsNull()
    {
        Assert.Throws<ArgumentNullException>(() => new Relu().RegisterForwardHook(null!));
    }
}
