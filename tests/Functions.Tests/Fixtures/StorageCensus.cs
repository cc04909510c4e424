using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace Functions.Tests.Fixtures;

/// <summary>
/// Everything a storage account holds: every row of every table (all partitions), every blob of every container and
/// the messages of every queue, invisible ones included. Taken before a step and compared after it, it shows the step
/// stored nothing and removed nothing, wherever the app might have written.
/// </summary>
public sealed class StorageCensus
{
    private readonly string _connectionString;

    private StorageCensus(string connectionString, IReadOnlyList<string> rows, IReadOnlyList<string> blobs, IReadOnlyList<string> messages) =>
        (_connectionString, Rows, Blobs, Messages) = (connectionString, rows, blobs, messages);

    /// <summary>Every row as <c>table/partition/row</c>, sorted.</summary>
    public IReadOnlyList<string> Rows { get; }

    /// <summary>Every blob as <c>container/name</c>, sorted.</summary>
    public IReadOnlyList<string> Blobs { get; }

    /// <summary>Every queue as <c>queue: count</c>, sorted.</summary>
    public IReadOnlyList<string> Messages { get; }

    /// <summary>The messages <paramref name="queue"/> holds, invisible ones included.</summary>
    public int MessagesIn(string queue) =>
        Messages.Where(m => m.StartsWith(queue + ": ", StringComparison.Ordinal)).Select(m => int.Parse(m[(queue.Length + 2)..])).SingleOrDefault();

    public static async Task<StorageCensus> TakeAsync(string connectionString)
    {
        var rows = new List<string>();
        var tables = new TableServiceClient(connectionString);
        await foreach (var table in tables.QueryAsync())
        {
            await foreach (var row in tables.GetTableClient(table.Name).QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"]))
                rows.Add($"{table.Name}/{row.PartitionKey}/{row.RowKey}");
        }

        var blobs = new List<string>();
        var containers = new BlobServiceClient(connectionString);
        await foreach (var container in containers.GetBlobContainersAsync())
        {
            await foreach (var blob in containers.GetBlobContainerClient(container.Name).GetBlobsAsync())
                blobs.Add($"{container.Name}/{blob.Name}");
        }

        var messages = new List<string>();
        var queues = new QueueServiceClient(connectionString);
        await foreach (var queue in queues.GetQueuesAsync())
            messages.Add($"{queue.Name}: {(await queues.GetQueueClient(queue.Name).GetPropertiesAsync()).Value.ApproximateMessagesCount}");

        return new StorageCensus(connectionString, [.. rows.Order(StringComparer.Ordinal)], [.. blobs.Order(StringComparer.Ordinal)], [.. messages.Order(StringComparer.Ordinal)]);
    }

    /// <summary>Takes the census again and fails, listing the difference, unless the account holds exactly what it did.</summary>
    public async Task AssertUnchangedAsync()
    {
        var now = await TakeAsync(_connectionString);

        Assert.True(Rows.SequenceEqual(now.Rows), Difference("rows", Rows, now.Rows));
        Assert.True(Blobs.SequenceEqual(now.Blobs), Difference("blobs", Blobs, now.Blobs));
        Assert.Equal(Messages, now.Messages);
    }

    private static string Difference(string what, IReadOnlyList<string> before, IReadOnlyList<string> after) =>
        $"{what} added: [{string.Join(", ", after.Except(before))}]; {what} removed: [{string.Join(", ", before.Except(after))}]";
}
