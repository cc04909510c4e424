using System.Text.Json;
using Functions.Compute;

namespace Functions.Tests.Reliability;

/// <summary>
/// A test kind whose answer is the list of its chunk indices in order, so any lost, doubled or misordered partial
/// shows in the result. Its chunks can be held mid-computation (<see cref="HoldNext"/>) to place a fault or a race
/// exactly, and one chunk can be made to fail on every attempt.
/// </summary>
public sealed class SequenceKind : IComputeKind
{
    private ChunkHold? _hold;
    private int _computed;

    public string Name => "sequence";

    /// <summary>Chunk computations started, across all jobs and attempts.</summary>
    public int Computed => Volatile.Read(ref _computed);

    public KindDescription Description { get; } = new(
        "sequence",
        "Lists its chunk indices, for tests.",
        [
            new InputField("chunks", "integer", "How many chunks.", Minimum: 1, Maximum: 1000),
            new InputField("failChunk", "integer", "A chunk that always fails.", Required: false),
            new InputField("chunkMilliseconds", "integer", "The cost each chunk claims (it takes no such time).", Required: false),
        ],
        new { chunks = 4 },
        "chunks × chunkMilliseconds, as claimed.",
        "chunks");

    public IComputePlan Plan(JsonElement input) => new SequencePlan(
        this,
        (int)JobInput.Integer(input, "chunks", 1, 1000),
        (int)JobInput.Integer(input, "failChunk", -1, 1000, -1),
        TimeSpan.FromMilliseconds(JobInput.Integer(input, "chunkMilliseconds", 1, 3_600_000, 1)));

    /// <summary>The next <paramref name="count"/> chunk computations to start wait mid-chunk until released or canceled.</summary>
    public ChunkHold HoldNext(int count) => _hold = new ChunkHold(count);

    /// <summary>A job request body for this kind.</summary>
    public static string Job(int chunks) => JsonSerializer.Serialize(new { kind = "sequence", input = new { chunks } });

    /// <summary>The answer a job of <paramref name="chunks"/> chunks must have: every index once, in order.</summary>
    public static int[] Expected(int chunks) => [.. Enumerable.Range(0, chunks)];

    private sealed class SequencePlan(SequenceKind kind, int chunks, int failChunk, TimeSpan chunkCost) : ComputePlan<int[]>
    {
        public override int ChunkCount => chunks;

        public override TimeSpan ChunkCost => chunkCost;

        public override int[] Compute(int index, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref kind._computed);
            kind._hold?.Pass(cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
            return index == failChunk ? throw new InvalidOperationException($"injected fault in chunk {index}") : [index];
        }

        public override int[] Combine(int[] earlier, int[] later) => [.. earlier, .. later];

        public override ComputeOutput Complete(int[] partial) => ComputeOutput.Json(new { sequence = partial });
    }
}

/// <summary>Holds a number of chunk computations mid-chunk; they go on when released and stop when canceled.</summary>
public sealed class ChunkHold(int count)
{
    private readonly ManualResetEventSlim _released = new();
    private readonly TaskCompletionSource _allHeld = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _canceled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int _count = count;
    private int _slots = count;
    private int _held;

    /// <summary>Completes when <c>count</c> chunks are waiting here.</summary>
    public Task AllHeld => _allHeld.Task;

    /// <summary>Completes when a held chunk sees its computation canceled: the probe that the computation itself stopped.</summary>
    public Task Canceled => _canceled.Task;

    public void Release() => _released.Set();

    internal void Pass(CancellationToken cancellationToken)
    {
        if (Interlocked.Decrement(ref _slots) < 0) return;
        if (Interlocked.Increment(ref _held) == _count) _allHeld.TrySetResult();
        // Chunks run on the executor's own threads, where blocking is what CPU work does anyway.
        try
        {
            _released.Wait(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            _canceled.TrySetResult();
            throw;
        }
    }
}
