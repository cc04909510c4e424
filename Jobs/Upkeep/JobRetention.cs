using Functions.Jobs.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Functions.Jobs.Upkeep;

/// <summary>Purges finished jobs, their results and idempotency keys once they are older than the retention.</summary>
public sealed class JobRetention(IJobRows rows, IJobListing listing, IIdempotencyKeys keys, TimeProvider time, IOptions<RetentionOptions> options, ILogger<JobRetention> logger)
{
    public async Task<int> PurgeAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - TimeSpan.FromHours(options.Value.RetentionHours);
        var purged = 0;
        await foreach (var id in listing.FindFinishedBeforeAsync(cutoff, cancellationToken))
        {
            await rows.PurgeAsync(id, cancellationToken);
            JobLog.Purged(logger, id);
            purged++;
        }

        var keysPurged = await keys.PurgeIdempotencyKeysAsync(cutoff, cancellationToken);
        JobLog.RetentionPass(logger, purged, keysPurged, cutoff);
        return purged;
    }
}
