using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Foundations.Engine;

/// <summary>
/// The threads a parallel product runs on: one helper thread per extra core, kept for Gemm, as
/// OpenBLAS keeps its own. A helper that is still spinning from the last job picks up the next one
/// without being woken, where Parallel.For first has to wake thread-pool workers; for products that
/// take only tens of microseconds, such as a layer of 50 units on a batch of 200, that wake-up
/// would be a large part of the time the split is meant to save.
/// </summary>
/// <remarks>
/// The caller takes chunks too. Each thread starts on its own share of the chunks, the same one
/// on every call, so the rows of C it writes and the operands it packs stay in its own caches
/// (reading what another core has just written costs more here than packing it again); then it
/// takes chunks left in the others' shares. So a helper that is asleep, slow to wake or
/// preempted only means the caller does more of the chunks itself: it waits for chunks a helper
/// has started, never for a helper to start.
/// After a job a helper spins for <see cref="SpinTime"/> in case another follows, then sleeps.
/// One product uses the team at a time; a second caller meanwhile runs its chunks alone.
/// </remarks>
public static class GemmTeam
{
    /// <summary>How long an idle helper waits, spinning, for the next job before it sleeps.</summary>
    static readonly long SpinTime = Stopwatch.Frequency / 20_000;   // 50 µs

    static readonly Helper[] Helpers = new Helper[Math.Max(0, Environment.ProcessorCount - 1)];
    static int busy;
    static Job? published;

    /// <summary>Threads a job can run on: the caller and its helpers.</summary>
    public static int Size => Helpers.Length + 1;

    // Ints between two shares' cursors: one cache line, so that threads taking chunks from
    // their own shares do not contend for it.
    const int Stride = 16;

    sealed class Job(int count, int workers, Action<int> body)
    {
        public readonly int Count = count, Workers = workers;
        public readonly Action<int> Body = body;
        /// <summary>Chunks taken so far from thread w's share [w·Count/Workers, (w+1)·Count/Workers), at w·Stride.</summary>
        public readonly int[] Taken = new int[workers * Stride];
        public int Done;
        public Exception? Error;
    }

    sealed class Helper(int worker)
    {
        public readonly int Worker = worker;
        public readonly SemaphoreSlim Wake = new(0);
        public int Sleeping;
    }

    /// <summary>Runs body(0) .. body(count - 1), each once, on the caller and the helpers; returns when all have finished.</summary>
    public static void Run(int count, Action<int> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (count <= 1 || Helpers.Length == 0 || Interlocked.CompareExchange(ref busy, 1, 0) != 0)
        {
            for (int chunk = 0; chunk < count; chunk++) body(chunk);
            return;
        }
        var job = new Job(count, Size, body);
        try
        {
            if (Helpers[0] is null) Start();
            Volatile.Write(ref published, job);
            foreach (var helper in Helpers)
                if (Interlocked.Exchange(ref helper.Sleeping, 0) == 1) helper.Wake.Release();
            Work(job, worker: 0);
            var wait = new SpinWait();
            while (Volatile.Read(ref job.Done) < count) wait.SpinOnce(sleep1Threshold: -1);
        }
        finally
        {
            Volatile.Write(ref published, null);   // the job's closure holds pointers into unpinned arrays
            Volatile.Write(ref busy, 0);
        }
        if (job.Error is { } error) ExceptionDispatchInfo.Throw(error);
    }

    /// <summary>Runs chunks of the job, from this thread's own share first, then from the others'.</summary>
    static void Work(Job job, int worker)
    {
        for (int offset = 0; offset < job.Workers; offset++)
        {
            int share = (worker + offset) % job.Workers;
            int start = share * job.Count / job.Workers, end = (share + 1) * job.Count / job.Workers;
            int chunk;
            while ((chunk = start + Interlocked.Increment(ref job.Taken[share * Stride]) - 1) < end)
            {
                try { job.Body(chunk); }
                catch (Exception e) { Interlocked.CompareExchange(ref job.Error, e, null); }
                Interlocked.Increment(ref job.Done);
            }
        }
    }

    static void Start()
    {
        for (int i = 0; i < Helpers.Length; i++)
        {
            var helper = Helpers[i] = new Helper(worker: i + 1);
            new Thread(() => Loop(helper)) { IsBackground = true, Name = $"Gemm helper {i + 1}" }.Start();
        }
    }

    static void Loop(Helper self)
    {
        Job? last = null;
        long idleSince = Stopwatch.GetTimestamp();
        while (true)
        {
            var job = Volatile.Read(ref published);
            if (job is not null && job != last)
            {
                last = job;
                Work(job, self.Worker);
                idleSince = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetTimestamp() - idleSince < SpinTime)
            {
                Thread.SpinWait(1);   // a pause or so: a job is noticed within a fraction of a microsecond
            }
            else
            {
                // Announce the sleep, then look once more: a job published in between either
                // saw the flag (and releases the semaphore) or is seen here.
                Interlocked.Exchange(ref self.Sleeping, 1);   // a fence: the store must land before the load below
                job = Volatile.Read(ref published);
                if (job is null || job == last || Interlocked.Exchange(ref self.Sleeping, 0) == 0)
                    self.Wake.Wait();
                idleSince = Stopwatch.GetTimestamp();
            }
        }
    }
}
