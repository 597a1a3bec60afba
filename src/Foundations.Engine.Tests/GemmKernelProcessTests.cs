namespace Foundations.Engine.Tests;

/// <summary>The span-level GEMM (<see cref="KernelCheck"/>) in processes with instruction sets switched off (<see cref="KernelProcess"/>).</summary>
public sealed class GemmKernelProcessTests
{
    public static TheoryData<string, string, string> Settings() => KernelProcess.Settings();

    [Theory]
    [MemberData(nameof(Settings))]
    public void KernelCheck_InProcessWithSwitch_PicksKernelAndMatchesReference(string variable, string value, string kernel) =>
        KernelProcess.Check(typeof(KernelCheck).Assembly, variable, value, kernel);
}
