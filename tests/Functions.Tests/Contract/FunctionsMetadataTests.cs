using System.Reflection;
using System.Text.Json.Nodes;
using Functions.Http;
using Functions.Storage;
using Functions.Tests.Fixtures;
using Microsoft.Azure.Functions.Worker;

namespace Functions.Tests.Contract;

/// <summary>What the Functions host reads from the build: functions.metadata must declare what the code expects.</summary>
public sealed class FunctionsMetadataTests
{
    private static readonly JsonArray Metadata = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "functions.metadata")))!.AsArray();

    [Theory]
    [InlineData(nameof(HelloFunction.Hello), "get", Routes.Hello, "Anonymous")]
    [InlineData(nameof(HelloFunction.ListKinds), "get", Routes.Kinds, "Anonymous")]
    [InlineData(nameof(HealthFunction.Health), "get", Routes.Health, "Anonymous")]
    [InlineData(nameof(JobsFunction.SubmitJob), "post", Routes.Jobs, "Function")]
    [InlineData(nameof(JobsFunction.ListJobs), "get", Routes.Jobs, "Function")]
    [InlineData(nameof(JobsFunction.GetJob), "get", Routes.Job, "Function")]
    [InlineData(nameof(JobsFunction.GetJobResult), "get", Routes.JobResult, "Function")]
    [InlineData(nameof(JobsFunction.CancelJob), "delete", Routes.Job, "Function")]
    [InlineData(nameof(JobsFunction.WatchJob), "get", Routes.JobEvents, "Function")]
    [InlineData(nameof(JobsFunction.WatchJobs), "get", Routes.Events, "Function")]
    [InlineData(nameof(DashboardFunction.Dashboard), "get", Routes.Dashboard, "Anonymous")]
    public void HttpFunction_IsDeclaredWithItsRouteMethodAndAuthLevel(string name, string method, string route, string authLevel)
    {
        var trigger = Trigger(name, "httpTrigger");

        Assert.Equal(route, trigger["route"]!.GetValue<string>());
        Assert.Equal([method], trigger["methods"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal(authLevel, trigger["authLevel"]!.GetValue<string>());
        Assert.Contains(Function(name)["bindings"]!.AsArray(), b => b!["type"]!.GetValue<string>() == "http" && b["direction"]!.GetValue<string>() == "Out");
    }

    [Theory]
    [InlineData("Compute", StorageNames.JobsQueue)]
    [InlineData("FailPoisoned", StorageNames.PoisonQueue)]
    [InlineData(nameof(CallbackFunction.DeliverCallback), StorageNames.CallbacksQueue)]
    public void QueueFunction_ListensOnItsQueueThroughTheStorageConnection(string name, string queue)
    {
        var trigger = Trigger(name, "queueTrigger");

        Assert.Equal(queue, trigger["queueName"]!.GetValue<string>());
        Assert.Equal(StorageNames.Connection, trigger["connection"]!.GetValue<string>());
        Assert.Equal("String", trigger["dataType"]!.GetValue<string>());
    }

    [Fact]
    public void RetentionFunction_RunsOnATimer()
    {
        var trigger = Trigger("PurgeFinishedJobs", "timerTrigger");

        Assert.Equal("0 17 * * * *", trigger["schedule"]!.GetValue<string>());
        Assert.Equal("*/30 * * * * *", Trigger("RequeueStrandedJobs", "timerTrigger")["schedule"]!.GetValue<string>());
        Assert.Equal("0 */15 * * * *", Trigger("ForgetFinishedWork", "timerTrigger")["schedule"]!.GetValue<string>());
        Assert.Equal("15,45 * * * * *", Trigger(nameof(RecoveryFunction.RequeueStrandedCallbacks), "timerTrigger")["schedule"]!.GetValue<string>());
    }

    [Fact]
    public void Metadata_DeclaresEveryFunctionInTheCodeAndNothingElse()
    {
        var inCode = typeof(HelloFunction).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods())
            .Select(m => m.GetCustomAttribute<FunctionAttribute>()?.Name)
            .OfType<string>()
            .Order();

        Assert.Equal(inCode, Metadata.Select(f => f!["name"]!.GetValue<string>()).Order());
        Assert.All(Metadata, f => Assert.Equal("Functions.dll", f!["scriptFile"]!.GetValue<string>()));
    }

    [Fact]
    public void RoutePrefix_IsTheOneHostJsonSets()
    {
        Assert.Equal(Routes.Prefix, HostJson.Root["extensions"]!["http"]!["routePrefix"]!.GetValue<string>());
    }

    [Fact]
    public void PoisonQueue_IsTheOneTheHostMovesMessagesTo()
    {
        // The queue extension names the poison queue "<queue>-poison".
        Assert.Equal(StorageNames.JobsQueue + "-poison", StorageNames.PoisonQueue);
        Assert.Equal(StorageNames.CallbacksQueue + "-poison", StorageNames.CallbacksPoisonQueue);
    }

    [Fact]
    public void WorkerConfig_StartsTheAppAssembly()
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "worker.config.json")))!;

        Assert.Equal("Functions.dll", config["description"]!["defaultWorkerPath"]!.GetValue<string>());
    }

    private static JsonNode Function(string name) =>
        Metadata.SingleOrDefault(f => f!["name"]!.GetValue<string>() == name) ?? throw new Xunit.Sdk.XunitException($"{name} is not in functions.metadata");

    private static JsonNode Trigger(string name, string type) =>
        Function(name)["bindings"]!.AsArray().Single(b => b!["type"]!.GetValue<string>() == type && b["direction"]!.GetValue<string>() == "In")!;
}
