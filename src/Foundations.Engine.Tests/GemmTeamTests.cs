namespace Foundations.Engine.Tests;

/// <summary>
/// The team of threads parallel products run on (GemmTeam.cs): every chunk runs exactly once
/// whoever takes it, a second caller is never blocked by the first, helpers that went to sleep
/// wake for the next job, and an exception in a chunk reaches the caller.
/// </summary>
public sealed class GemmTeamTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(100)]
    public void Run_RunsEveryChunkExactlyOnce(int count)
    {
        var runs = new int[count];
        GemmTeam.Run(count, chunk => Interlocked.Increment(ref runs[chunk]));
        Assert.All(runs, r => Assert.Equal(1, r));
    }

    [Fact]
    public void Run_ManyJobsInARow_EachRunsEveryChunkOnce()
    {
        for (int job = 0; job < 2000; job++)
        {
            int count = 1 + job % 7;
            var runs = new int[count];
            GemmTeam.Run(count, chunk => Interlocked.Increment(ref runs[chunk]));
            Assert.All(runs, r => Assert.Equal(1, r));
        }
    }

    [Fact]
    public void Run_AfterHelpersHaveGoneToSleep_StillRunsEveryChunk()
    {
        for (int job = 0; job < 5; job++)
        {
            Thread.Sleep(20);   // far longer than a helper spins before it sleeps
            var runs = new int[8];
            GemmTeam.Run(runs.Length, chunk => { Thread.SpinWait(1000); Interlocked.Increment(ref runs[chunk]); });
            Assert.All(runs, r => Assert.Equal(1, r));
        }
    }

    [Fact]
    public void Run_FromSeveralThreadsAtOnce_EveryCallerGetsAllItsChunks()
    {
        const int Callers = 4, Jobs = 300, Count = 5;
        var failures = 0;
        var threads = Enumerable.Range(0, Callers).Select(_ => new Thread(() =>
        {
            for (int job = 0; job < Jobs; job++)
            {
                var runs = new int[Count];
                GemmTeam.Run(Count, chunk => Interlocked.Increment(ref runs[chunk]));
                if (runs.Any(r => r != 1)) Interlocked.Increment(ref failures);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => Assert.True(t.Join(TimeSpan.FromMinutes(1)), "a caller did not finish"));
        Assert.Equal(0, failures);
    }

    [Fact]
    public void Run_ChunkThrows_CallerGetsTheExceptionAndTheTeamKeepsWorking()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            GemmTeam.Run(6, chunk => { if (chunk == 4) throw new InvalidOperationException("chunk 4"); }));
        Assert.Equal("chunk 4", error.Message);

        var runs = new int[6];
        GemmTeam.Run(runs.Length, chunk => Interlocked.Increment(ref runs[chunk]));
        Assert.All(runs, r => Assert.Equal(1, r));
    }

    [Fact]
    public void Run_WithChunksEnough_UsesTheHelpers()
    {
        if (GemmTeam.Size < 2) return;   // a one-core machine has no helpers
        // Each chunk waits until two threads have been inside at once (or gives up after a while):
        // a helper must join a job whose chunks take long enough for it to wake. A caller busy in
        // another test's product runs its chunks alone, so try a few times.
        bool together = false;
        for (int attempt = 0; attempt < 20 && !together; attempt++)
        {
            int inside = 0, most = 0;
            GemmTeam.Run(2, _ =>
            {
                int now = Interlocked.Increment(ref inside);
                InterlockedMax(ref most, now);
                var clock = System.Diagnostics.Stopwatch.StartNew();
                while (Volatile.Read(ref most) < 2 && clock.ElapsedMilliseconds < 200) Thread.SpinWait(100);
                Interlocked.Decrement(ref inside);
            });
            together = most >= 2;
        }
        Assert.True(together, "no helper ever took a chunk");
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current) { }
    }
}
