namespace Functions.Compute.HashSearch;

/// <summary>
/// The smallest hit the chunks of one search have found so far, shared by the threads computing them: a chunk whose
/// remaining nonces all lie above it cannot hold the answer and stops.
/// </summary>
internal sealed class SearchBound
{
    private ulong _lowest = ulong.MaxValue;

    public ulong Lowest => Volatile.Read(ref _lowest);

    public void Lower(ulong nonce)
    {
        var current = Volatile.Read(ref _lowest);
        while (nonce < current)
        {
            var seen = Interlocked.CompareExchange(ref _lowest, nonce, current);
            if (seen == current) return;
            current = seen;
        }
    }
}
