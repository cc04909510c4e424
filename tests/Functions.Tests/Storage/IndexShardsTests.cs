using Azure.Data.Tables;
using Functions.Jobs;
using Functions.Jobs.Submit;
using Functions.Storage;
using Functions.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Functions.Tests.Storage;

/// <summary>The index spread over several partitions, on an Azurite of this class's own, whose jobs table records 4 shards.</summary>
[Trait("Category", TestCategories.Storage)]
public sealed class IndexShardsTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const int Shards = 4;

    [Fact]
    public async Task List_JobsInEveryShard_ComeNewestFirstPageAfterPageAndByStatus()
    {
        await using var app = ShardedApp();
        var jobs = await CreateAsync(app, 30);
        var finished = jobs.Where((_, i) => i % 3 == 0).ToList();
        foreach (var (job, version) in finished) await FinishAsync(app, job, version);

        Assert.Equal(Shards, (await PartitionsHoldingAsync(app, jobs.Select(j => JobEntities.IndexRow(j.Job.CreatedAt, j.Job.Id)))).Count);
        var newestFirst = jobs.Select(j => j.Job).OrderByDescending(j => j.CreatedAt).Select(j => j.Id).ToList();
        Assert.Equal(newestFirst, (await ListAllAsync(app, null, top: 7)).Where(newestFirst.Contains));
        Assert.Equal(
            finished.Select(j => j.Job).OrderByDescending(j => j.CreatedAt).Select(j => j.Id),
            (await ListAllAsync(app, JobStatus.Succeeded, top: 3)).Where(newestFirst.Contains));
    }

    [Fact]
    public async Task Ledger_JobsInEveryShard_HoldsEachUnfinishedJobOnce()
    {
        await using var app = ShardedApp();
        var jobs = await CreateAsync(app, 12);
        var (done, version) = jobs[5];
        await FinishAsync(app, done, version);

        var work = await app.Store.GetQueuedWorkAsync(CancellationToken.None);

        var unfinished = jobs.Select(j => j.Job.Id).Where(id => id != done.Id).ToHashSet();
        Assert.Subset(work.JobIds.ToHashSet(), unfinished);
        Assert.DoesNotContain(done.Id, work.JobIds);
        Assert.True((await PartitionsHoldingAsync(app, unfinished.Select(JobEntities.WorkRow))).Count > 1);
    }

    [Fact]
    public async Task SendMarks_JobsInEveryShard_AreFoundAndClearedWhereTheyAre()
    {
        await using var app = ShardedApp();
        var jobs = (await CreateAsync(app, 12)).Select(j => j.Job.Id).ToList();
        await app.Store.MarkSentAsync(jobs[0], CancellationToken.None);

        var unsent = await app.Store.FindUnsentBeforeAsync(DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None).ToListAsync();

        Assert.Equal(jobs.Skip(1).ToHashSet(), unsent.Where(jobs.Contains).ToHashSet());
        Assert.True(await app.Store.IsSentAsync(jobs[0], CancellationToken.None));
        Assert.False(await app.Store.IsSentAsync(jobs[1], CancellationToken.None));
    }

    [Fact]
    public async Task Purge_JobInAShard_RemovesItsEntriesThere()
    {
        await using var app = ShardedApp();
        var (job, version) = (await CreateAsync(app, 1))[0];
        await FinishAsync(app, job, version);

        await app.Store.PurgeAsync(job.Id, CancellationToken.None);

        Assert.Empty(await PartitionsHoldingAsync(app, [JobEntities.IndexRow(job.CreatedAt, job.Id), JobEntities.WorkRow(job.Id), JobEntities.SendRow(job.Id)]));
        Assert.DoesNotContain(job.Id, (await ListAllAsync(app, null, top: 100)));
    }

    [Fact]
    public async Task Settle_TableRecordedWithAnotherCount_KeepsTheRecordedOneAndSaysSo()
    {
        await using (var first = ShardedApp()) await first.Services.GetRequiredService<StorageInitializer>().EnsureTableAndContainerAsync(CancellationToken.None);
        var log = new RecordingLoggerProvider();
        await using var app = new FunctionApp(azurite.ConnectionString, new Dictionary<string, string?> { ["Storage:IndexShards"] = "2" },
            services => services.AddSingleton<ILoggerProvider>(log));

        var shards = await app.Services.GetRequiredService<StorageInitializer>().EnsureTableAndContainerAsync(CancellationToken.None);

        Assert.Equal(Shards, shards.Partitions.Count);
        var warning = Assert.Single(log.Records, r => r.EventName == "IndexShardsRecorded");
        Assert.Equal((Shards, 2), ((int)warning.Properties["Recorded"]!, (int)warning.Properties["Configured"]!));
    }

    [Fact]
    public async Task Settle_TableListedBeforeShards_KeepsItsOneIndexPartition()
    {
        await using var own = await Azurite.StartAsync();
        var table = new TableServiceClient(own.ConnectionString).GetTableClient(StorageNames.JobsTable);
        await table.CreateAsync();
        await table.AddEntityAsync(new TableEntity(JobEntities.IndexPartition, JobEntities.IndexRow(DateTimeOffset.UtcNow, JobIds.New())));
        await using var app = new FunctionApp(own.ConnectionString, new Dictionary<string, string?> { ["Storage:IndexShards"] = "8" });

        var shards = await app.Services.GetRequiredService<StorageInitializer>().EnsureTableAndContainerAsync(CancellationToken.None);

        Assert.Equal([JobEntities.IndexPartition], shards.Partitions);
    }

    private FunctionApp ShardedApp() =>
        new(azurite.ConnectionString, new Dictionary<string, string?> { ["Storage:IndexShards"] = Shards.ToString() });

    /// <summary>Jobs created a millisecond apart, oldest first, each with an estimate for the ledger.</summary>
    private static async Task<List<(JobRecord Job, string Version)>> CreateAsync(FunctionApp app, int count)
    {
        var start = DateTimeOffset.UtcNow;
        var created = new List<(JobRecord, string)>();
        for (var i = 0; i < count; i++)
        {
            var job = new JobRecord(JobIds.New(), "primes", "{}", JobStatus.Queued, start.AddMilliseconds(i), ChunkCount: 1,
                Estimate: new JobEstimate(0.5, 0.5, 1, 10));
            created.Add((job, (await app.Store.TryCreateAsync(job, CancellationToken.None))!));
        }

        return created;
    }

    private static async Task FinishAsync(FunctionApp app, JobRecord job, string version) =>
        Assert.NotNull(await app.Store.TryReplaceAsync(job.Ended(JobStatus.Succeeded, DateTimeOffset.UtcNow) with { Result = "{}" }, version, CancellationToken.None));

    /// <summary>Every page of the listing, following its continuations, as job ids.</summary>
    private static async Task<List<string>> ListAllAsync(FunctionApp app, JobStatus? status, int top)
    {
        var ids = new List<string>();
        string? continuation = null;
        do
        {
            var page = await app.Store.ListAsync(status, top, continuation, CancellationToken.None);
            Assert.True(page.Jobs.Count <= top);
            ids.AddRange(page.Jobs.Select(j => j.Id));
            continuation = page.Continuation;
        }
        while (continuation is not null);
        return ids;
    }

    /// <summary>How many of the given index entries each index partition (<c>index</c>, <c>index-1</c>, …) holds.</summary>
    private static async Task<Dictionary<string, int>> PartitionsHoldingAsync(FunctionApp app, IEnumerable<string> rowKeys)
    {
        var wanted = rowKeys.ToHashSet();
        var table = app.Services.GetRequiredService<TableServiceClient>().GetTableClient(StorageNames.JobsTable);
        var partitions = new Dictionary<string, int>();
        var indexPartitions = TableClient.CreateQueryFilter($"PartitionKey ge {JobEntities.IndexPartition} and PartitionKey lt {"index."}");
        await foreach (var entry in table.QueryAsync<TableEntity>(indexPartitions, select: ["PartitionKey", "RowKey"]))
        {
            if (wanted.Contains(entry.RowKey)) partitions[entry.PartitionKey] = partitions.GetValueOrDefault(entry.PartitionKey) + 1;
        }

        return partitions;
    }
}
