using System.IO.Hashing;
using System.Text;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;

namespace Functions.Storage;

/// <summary>
/// The index partitions: a job's listing entry, work-ledger entry and send mark go to one of <see cref="Partitions"/>,
/// chosen by a hash of its id, so that instances do not all write to one partition (Azure's target is about 2,000
/// entities/s each). Shard 0 is <c>index</c>, the partition of tables from before shards. The count belongs to the
/// table: the first instance to use a table records the configured count in it, and every instance after that uses
/// the recorded one, because a job's entries cannot move to another partition once written. The hash is part of the
/// stored layout: changing it would lose every job's entries.
/// </summary>
public sealed class IndexShards
{
    // Every listing page and ledger reading queries each partition: 32 lifts the index past what an account takes
    // (20,000 requests/s), so more would only cost reads.
    public const int MaxCount = 32;

    private const string SettingsPartition = "settings";
    private const string CountRow = "index-shards";

    public IndexShards(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxCount);
        Partitions = [.. Enumerable.Range(0, count).Select(shard => shard == 0 ? JobEntities.IndexPartition : $"{JobEntities.IndexPartition}-{shard}")];
    }

    public IReadOnlyList<string> Partitions { get; }

    /// <summary>The partition of a job's index entries.</summary>
    public string PartitionOf(string jobId) =>
        Partitions[(int)(XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(jobId)) % (uint)Partitions.Count)];

    /// <summary>
    /// The table's count: the recorded one, else <paramref name="configured"/> recorded now. A table used before
    /// shards (it has rows but no count) is recorded at 1, since its entries are all in <c>index</c>.
    /// </summary>
    public static async Task<IndexShards> SettleAsync(TableClient table, int configured, ILogger logger)
    {
        var recorded = await ReadCountAsync(table);
        if (recorded is null)
        {
            var usedBefore = await table.QueryAsync<TableEntity>(maxPerPage: 1, select: ["RowKey"]).AnyAsync();
            var count = usedBefore ? 1 : configured;
            try
            {
                await table.AddEntityAsync(new TableEntity(SettingsPartition, CountRow) { ["Count"] = count });
                recorded = count;
            }
            catch (Azure.RequestFailedException e) when (e.Status == 409)
            {
                // Another instance recorded it first.
                recorded = await ReadCountAsync(table) ?? configured;
            }
        }

        if (recorded is not (>= 1 and <= MaxCount))
            throw new InvalidOperationException($"The jobs table records {recorded} index partitions; this build reads 1 to {MaxCount}.");
        if (recorded != configured) StorageLog.IndexShardsRecorded(logger, recorded.Value, configured);
        return new IndexShards(recorded.Value);
    }

    private static async Task<int?> ReadCountAsync(TableClient table)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(SettingsPartition, CountRow, ["Count"]);
        return row.HasValue ? row.Value!.GetInt32("Count") : null;
    }
}
