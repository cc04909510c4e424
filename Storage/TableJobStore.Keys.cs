using Azure.Data.Tables;
using Azure;
using Functions.Jobs.Store;
using static Functions.Storage.JobEntities;

namespace Functions.Storage;

/// <summary>Idempotency keys: a row each in their own partition, the first claim of a key wins.</summary>
public sealed partial class TableJobStore
{
    public Task<IdempotencyClaim> ClaimIdempotencyKeyAsync(IdempotencyClaim claim, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        try
        {
            await _table.AddEntityAsync(new TableEntity(IdempotencyPartition, claim.KeyHash) { ["JobId"] = claim.JobId, ["Fingerprint"] = claim.Fingerprint }, cancellationToken);
            return claim;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            var first = (await _table.GetEntityAsync<TableEntity>(IdempotencyPartition, claim.KeyHash, cancellationToken: cancellationToken)).Value;
            return new IdempotencyClaim(claim.KeyHash, first.GetString("JobId"), first.GetString("Fingerprint"));
        }
    }, cancellationToken);

    public Task<IdempotencyClaim?> FindIdempotencyClaimAsync(string keyHash, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(IdempotencyPartition, keyHash, cancellationToken: cancellationToken);
        return row.HasValue ? new IdempotencyClaim(keyHash, row.Value!.GetString("JobId"), row.Value!.GetString("Fingerprint")) : null;
    }, cancellationToken);

    public Task<int> PurgeIdempotencyKeysAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {IdempotencyPartition} and Timestamp lt {cutoff}");
        var purged = 0;
        await foreach (var page in _table.QueryAsync<TableEntity>(filter, maxPerPage: TableLimits.MaxBatch, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).AsPages())
        {
            if (page.Values.Count == 0) continue;
            await DeleteAllAsync(page.Values, cancellationToken);
            purged += page.Values.Count;
        }

        return purged;
    }, cancellationToken);
}
