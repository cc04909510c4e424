using Azure;
using Azure.Data.Tables;
using Functions.Jobs;
using Functions.Jobs.Submit;
using Functions.Storage;
using Functions.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Functions.Tests.Storage;

/// <summary>
/// The index spread over several partitions, on an Azurite of this class's own, whose jobs table records 4 shards
/// (a table keeps the count it was first used with). Jobs are made so that each partition holds some.
/// </summary>
[Trait("Category", TestCategories.Storage)]
public sealed class IndexShardsTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const int Shards = 4;
    private static readonly IndexShards Layout = new(Shards);

    /// <summary>The hash is part of the stored layout: these ids must stay in these partitions.</summary>
    [Theory]
    [InlineData("00000000000000000000000000000000", "index")]
    [InlineData("22222222222222222222222222222222", "index-1")]
    [InlineData("00000000000000000000000000000001", "index-2")]
    [InlineData("ffffffffffffffffffffffffffffffff", "index-3")]
    public void PartitionOf_AnId_IsFixedByTheId(string id, string partition)
    {
        Assert.Equal(partition, Layout.PartitionOf(id));
    }

    [Fact]
    public async Task List_JobsInEveryShard_ComeNewestFirstPageAfterPageAndByStatus()
    {
        await using var app = ShardedApp();
        var jobs = await CreateAsync(app, 30);
        var finished = jobs.Where((_, i) => i % 3 == 0).ToList();
        foreach (var (job, version) in finished) await FinishAsync(app, job, version);

        Assert.Equal(Shards, (await PartitionsHoldingAsync(app, jobs.Select(j => ListingRow(j.Job)))).Count);
        var newestFirst = jobs.Select(j => j.Job).OrderByDescending(j => j.CreatedAt).Select(j => j.Id).ToList();
        Assert.Equal(newestFirst, (await ListAllAsync(app, null, top: 7)).Where(newestFirst.Contains));
        Assert.Equal(
            finished.Select(j => j.Job).OrderByDescending(j => j.CreatedAt).Select(j => j.Id),
            (await ListAllAsync(app, JobStatus.Succeeded, top: 3)).Where(newestFirst.Contains));
    }

    [Fact]
    public async Task TryCreate_AnotherWriteOfTheSameJob_LeavesOneListingEntryInItsShard()
    {
        await using var app = ShardedApp();
        var (job, _) = (await CreateAsync(app, 2))[1];

        Assert.Null(await app.Store.TryCreateAsync(job with { CreatedAt = job.CreatedAt.AddMilliseconds(5) }, CancellationToken.None));

        Assert.Equal(1, (await PartitionsHoldingAsync(app, [ListingRow(job), JobEntities.IndexRow(job.CreatedAt.AddMilliseconds(5), job.Id)]))[Layout.PartitionOf(job.Id)]);
        Assert.Single(await ListAllAsync(app, null, top: 100), id => id == job.Id);
    }

    [Fact]
    public async Task Ledger_JobsInEveryShard_HoldsEveryUnfinishedJobAndItsWork()
    {
        await using var app = ShardedApp();
        var jobs = await CreateAsync(app, 12);
        var (done, version) = jobs[5];
        await FinishAsync(app, done, version);

        var work = await app.Store.GetQueuedWorkAsync(CancellationToken.None);

        Assert.Subset(work.JobIds.ToHashSet(), jobs.Select(j => j.Job.Id).Where(id => id != done.Id).ToHashSet());
        Assert.DoesNotContain(done.Id, work.JobIds);
        Assert.True(work.CoreTime >= TimeSpan.FromSeconds(11 * 0.5), $"{work.CoreTime} for 11 jobs of 0.5 s");
    }

    [Fact]
    public async Task ForgetFinishedWork_DropsLeftInEveryShard_AreForgotten()
    {
        await using var app = ShardedApp();
        var jobs = await CreateAsync(app, Shards);
        foreach (var (job, version) in jobs) await FinishAsync(app, job, version);
        // Each job's drop from the ledger lost: its work entry still there.
        foreach (var (job, _) in jobs) await Table(app).UpsertEntityAsync(new TableEntity(Layout.PartitionOf(job.Id), JobEntities.WorkRow(job.Id)) { ["CoreSeconds"] = 0.5 });

        Assert.True(await app.Store.ForgetFinishedWorkAsync(CancellationToken.None) >= Shards);

        Assert.Empty(await PartitionsHoldingAsync(app, jobs.Select(j => JobEntities.WorkRow(j.Job.Id))));
    }

    [Fact]
    public async Task SendMarks_JobsInEveryShard_AreFoundAndClearedWhereTheyAre()
    {
        await using var app = ShardedApp();
        var jobs = (await CreateAsync(app, 2 * Shards)).Select(j => j.Job.Id).ToList();
        var sent = jobs.Take(Shards).ToList();
        foreach (var id in sent) await app.Store.MarkSentAsync(id, CancellationToken.None);

        var unsent = await app.Store.FindUnsentBeforeAsync(DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None).ToListAsync();

        Assert.Equal(jobs.Skip(Shards).ToHashSet(), unsent.Where(jobs.Contains).ToHashSet());
        foreach (var id in jobs) Assert.Equal(sent.Contains(id), await app.Store.IsSentAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task ForgetUnsent_JobsWhoseRowsWereNeverStored_LoseTheirEntriesInEveryShard()
    {
        await using var app = ShardedApp();
        var jobs = (await CreateAsync(app, Shards)).Select(j => j.Job).ToList();
        foreach (var job in jobs) await Table(app).DeleteEntityAsync(job.Id, JobEntities.JobRow, ETag.All);

        foreach (var job in jobs) await app.Store.ForgetUnsentAsync(job.Id, CancellationToken.None);

        Assert.Empty(await PartitionsHoldingAsync(app, jobs.SelectMany(job => new[] { ListingRow(job), JobEntities.WorkRow(job.Id), JobEntities.SendRow(job.Id) })));
    }

    [Fact]
    public async Task Purge_JobsInEveryShard_RemovesTheirEntriesThere()
    {
        await using var app = ShardedApp();
        var jobs = await CreateAsync(app, Shards);
        foreach (var (job, version) in jobs) await FinishAsync(app, job, version);

        foreach (var (job, _) in jobs) await app.Store.PurgeAsync(job.Id, CancellationToken.None);

        Assert.Empty(await PartitionsHoldingAsync(app, jobs.SelectMany(j => new[] { ListingRow(j.Job), JobEntities.WorkRow(j.Job.Id), JobEntities.SendRow(j.Job.Id) })));
        Assert.Empty((await ListAllAsync(app, null, top: 100)).Intersect(jobs.Select(j => j.Job.Id)));
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
        var said = Assert.Single(log.Records, r => r.EventName == "IndexShardsRecorded");
        Assert.Equal((Shards, 2), ((int)said.Properties["Recorded"]!, (int)said.Properties["Configured"]!));
    }

    [Fact]
    public async Task Settle_NewTableByTwoInstancesAtOnce_GivesBothTheSameCount()
    {
        await using var own = await Azurite.StartAsync();
        await using var one = new FunctionApp(own.ConnectionString, new Dictionary<string, string?> { ["Storage:IndexShards"] = "2" });
        await using var other = new FunctionApp(own.ConnectionString, new Dictionary<string, string?> { ["Storage:IndexShards"] = "8" });

        var settled = await Task.WhenAll(
            one.Services.GetRequiredService<StorageInitializer>().EnsureTableAndContainerAsync(CancellationToken.None),
            other.Services.GetRequiredService<StorageInitializer>().EnsureTableAndContainerAsync(CancellationToken.None));

        Assert.Equal(settled[0].Partitions, settled[1].Partitions);
        Assert.Contains(settled[0].Partitions.Count, new[] { 2, 8 });
    }

    [Fact]
    public async Task Settle_TableUsedBeforeShards_KeepsItsOneIndexPartition()
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

    private static TableClient Table(FunctionApp app) => app.Services.GetRequiredService<TableServiceClient>().GetTableClient(StorageNames.JobsTable);

    private static string ListingRow(JobRecord job) => JobEntities.IndexRow(job.CreatedAt, job.Id);

    /// <summary>Jobs created a millisecond apart, oldest first, job i in partition i mod 4, each with an estimate for the ledger.</summary>
    private static async Task<List<(JobRecord Job, string Version)>> CreateAsync(FunctionApp app, int count)
    {
        var start = DateTimeOffset.UtcNow;
        var created = new List<(JobRecord, string)>();
        for (var i = 0; i < count; i++)
        {
            var id = JobIds.New();
            while (Layout.PartitionOf(id) != Layout.Partitions[i % Shards]) id = JobIds.New();
            var job = new JobRecord(id, "primes", "{}", JobStatus.Queued, start.AddMilliseconds(i), ChunkCount: 1,
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
        var partitions = new Dictionary<string, int>();
        var indexPartitions = TableClient.CreateQueryFilter($"PartitionKey ge {JobEntities.IndexPartition} and PartitionKey lt {"index."}");
        await foreach (var entry in Table(app).QueryAsync<TableEntity>(indexPartitions, select: ["PartitionKey", "RowKey"]))
        {
            if (wanted.Contains(entry.RowKey)) partitions[entry.PartitionKey] = partitions.GetValueOrDefault(entry.PartitionKey) + 1;
        }

        return partitions;
    }
}
