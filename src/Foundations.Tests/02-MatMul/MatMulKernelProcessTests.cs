using Foundations.Engine.Tests;

namespace Foundations.Tests;

/// <summary>The tensor matmul entry points (<see cref="MatMulKernelCheck"/>) in processes with instruction sets switched off (<see cref="KernelProcess"/>).</summary>
public sealed class MatMulKernelProcessTests
{
    public static TheoryData<string, string, string> Settings() => KernelProcess.Settings();

    [Theory]
    [MemberData(nameof(Settings))]
    public void KernelCheck_InProcessWithSwitch_PicksKernelAndMatchesReference(string variable, string value, string kernel) =>
        KernelProcess.Check(typeof(MatMulKernelCheck).Assembly, variable, value, kernel);
}
