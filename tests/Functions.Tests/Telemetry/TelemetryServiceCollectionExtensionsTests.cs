using System.Diagnostics;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Functions.Compute;
using Functions.Jobs.Run;
using Functions.Jobs.Store;
using Functions.Jobs;
using Functions.Telemetry;
using Functions.Tests.Fixtures;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using OpenTelemetry;

namespace Functions.Tests.Telemetry;

public sealed class TelemetryServiceCollectionExtensionsTests
{
    // A well-formed connection string whose ingestion endpoint refuses at once: nothing leaves the machine.
    private const string ConnectionString = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/";

    // An OTLP endpoint that refuses at once, likewise.
    private const string OtlpEndpoint = "http://127.0.0.1:9";

    /// <summary>The worker's own source: its invocation span is the parent of a request's spans, as the host's request span is its.</summary>
    private static readonly ActivitySource Worker = new("Microsoft.Azure.Functions.Worker");

    [Fact]
    public void AddTelemetry_WithoutConnectionString_ExportsNothing()
    {
        using var provider = Build([]);

        Assert.Null(provider.GetService<MeterProvider>());
        Assert.Null(provider.GetService<TracerProvider>());
    }

    [Theory]
    [InlineData("Azure.Core", LogLevel.Information, false)]
    [InlineData("Azure.Core", LogLevel.Warning, true)]
    [InlineData("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Information, false)]
    [InlineData("Microsoft.AspNetCore.Server.Kestrel", LogLevel.Warning, true)]
    [InlineData("Functions.Jobs.JobRunner", LogLevel.Information, true)]
    public void AddTelemetry_PerRequestChatterOfTheSdkAndAspNetCore_IsNotSentToTheHost(string category, LogLevel level, bool logged)
    {
        var log = new RecordingLoggerProvider();
        var services = new ServiceCollection().AddLogging(logging => logging.AddProvider(log));
        using var provider = services.AddTelemetry(new ConfigurationBuilder().Build()).BuildServiceProvider();

        provider.GetRequiredService<ILoggerFactory>().CreateLogger(category).Log(level, "a line");

        Assert.Equal(logged, !log.Records.IsEmpty);
    }

    [Fact]
    public void AddTelemetry_WithConnectionString_ExportsTheJobMetricsAndTheWorkerInvocations()
    {
        var metrics = new List<Metric>();
        var spans = new List<Activity>();
        using var provider = Build(
            new() { [TelemetryServiceCollectionExtensions.ConnectionStringSetting] = ConnectionString },
            services => services
                .Configure<AzureMonitorExporterOptions>(options =>
                {
                    // Every span, and nothing kept on disk for a later upload.
                    options.TracesPerSecond = null;
                    options.SamplingRatio = 1;
                    options.DisableOfflineStorage = true;
                })
                .ConfigureOpenTelemetryMeterProvider(builder => builder.AddInMemoryExporter(metrics))
                .ConfigureOpenTelemetryTracerProvider(builder => builder.AddInMemoryExporter(spans)));
        var meterProvider = provider.GetRequiredService<MeterProvider>();
        var tracerProvider = provider.GetRequiredService<TracerProvider>();

        provider.GetRequiredService<JobMetrics>().Finished(new JobRecord(JobIds.New(), "primes", "{}", JobStatus.Succeeded, DateTimeOffset.UtcNow));
        using (new ActivitySource("Microsoft.Azure.Functions.Worker").StartActivity("Invoke")) { }
        meterProvider.ForceFlush();
        tracerProvider.ForceFlush();

        Assert.Contains(metrics, metric => metric.Name == JobMetrics.FinishedName && metric.MeterName == JobMetrics.MeterName);
        Assert.Contains(spans, span => span.Source.Name == "Microsoft.Azure.Functions.Worker");
    }

    /// <summary>
    /// The OpenTelemetry SDK reads <c>OTEL_TRACES_SAMPLER</c> and <c>OTEL_TRACES_SAMPLER_ARG</c> itself when only OTLP
    /// exports: the decision is taken once, at the trace's root, and the job message carries it (the sampled flag of
    /// its traceparent) to the instance that processes it, which follows it.
    /// </summary>
    [Theory]
    [InlineData(null, null, null, true)]
    [InlineData("parentbased_traceidratio", "0", null, false)]
    [InlineData("parentbased_traceidratio", "0", true, true)]
    [InlineData("parentbased_traceidratio", "1", false, false)]
    [InlineData("parentbased_traceidratio", "1", null, true)]
    public void AddTelemetry_OtlpWithSamplerSettings_KeepsOrDropsASubmitsTraceWhole_AndItsMessageCarriesIt(
        string? sampler, string? ratio, bool? callerSampled, bool recorded)
    {
        var spans = new List<Activity>();
        using var provider = Build(
            new()
            {
                [TelemetryServiceCollectionExtensions.OtlpEndpointSetting] = OtlpEndpoint,
                ["OTEL_TRACES_SAMPLER"] = sampler,
                ["OTEL_TRACES_SAMPLER_ARG"] = ratio,
            },
            services => services.ConfigureOpenTelemetryTracerProvider(builder => builder.AddInMemoryExporter(spans)));
        var tracerProvider = provider.GetRequiredService<TracerProvider>();
        var caller = callerSampled is { } sampled
            ? new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), sampled ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None, isRemote: true)
            : default;
        var id = JobIds.New();

        JobMessage message;
        ActivityTraceId traceId;
        using (var invocation = Worker.StartActivity("Invoke", ActivityKind.Internal, caller)!)
        using (JobTracing.Start("jobs submit", id))
        {
            traceId = invocation.TraceId;
            message = new JobMessage(id).Carrying();
        }

        using (JobTracing.StartProcessing(message, DateTimeOffset.UtcNow)) { }
        tracerProvider.ForceFlush();

        Assert.True(ActivityContext.TryParse(message.TraceParent, message.TraceState, out var carried));
        Assert.Equal(traceId, carried.TraceId);
        Assert.Equal(recorded, carried.TraceFlags.HasFlag(ActivityTraceFlags.Recorded));
        string[] whole = ["Invoke", "jobs process", "jobs submit"];
        Assert.Equal(recorded ? whole : [], spans.Where(span => span.TraceId == traceId).Select(span => span.DisplayName).Order());
    }

    [Fact]
    public void AddTelemetry_WithConnectionString_TheExportersSamplerDecides_NotTheStandardSamplerSetting()
    {
        // The Azure Monitor exporter sets its own sampler, for every exporter, and reads only its microsoft.* values.
        var spans = new List<Activity>();
        using var provider = Build(
            new()
            {
                [TelemetryServiceCollectionExtensions.ConnectionStringSetting] = ConnectionString,
                [TelemetryServiceCollectionExtensions.OtlpEndpointSetting] = OtlpEndpoint,
                ["OTEL_TRACES_SAMPLER"] = "parentbased_traceidratio",
                ["OTEL_TRACES_SAMPLER_ARG"] = "0",
            },
            services => services
                .Configure<AzureMonitorExporterOptions>(options =>
                {
                    options.TracesPerSecond = null;
                    options.SamplingRatio = 1;
                    options.DisableOfflineStorage = true;
                })
                .ConfigureOpenTelemetryTracerProvider(builder => builder.AddInMemoryExporter(spans)));
        var tracerProvider = provider.GetRequiredService<TracerProvider>();

        using (Worker.StartActivity("Invoke")) { }
        tracerProvider.ForceFlush();

        Assert.Contains(spans, span => span.Source == Worker);
    }

    [Fact]
    public void AddTelemetry_EntraAuthentication_ExporterSendsWithTheManagedIdentityAndKeepsEveryLog()
    {
        using var provider = Build(new()
        {
            [TelemetryServiceCollectionExtensions.ConnectionStringSetting] = ConnectionString,
            [TelemetryServiceCollectionExtensions.AuthenticationStringSetting] = "ClientId=abc;Authorization=AAD",
        });

        var exporter = provider.GetRequiredService<IOptionsMonitor<AzureMonitorExporterOptions>>().Get(Options.DefaultName);

        Assert.Equal(ConnectionString, exporter.ConnectionString);
        Assert.IsType<ManagedIdentityCredential>(exporter.Credential);
        Assert.False(exporter.EnableTraceBasedLogsSampler);
    }

    [Theory]
    [InlineData("ClientId=11111111-2222-3333-4444-555555555555;Authorization=AAD", true, "11111111-2222-3333-4444-555555555555")]
    [InlineData("Authorization=AAD", true, null)]
    [InlineData(" authorization = aad ; clientid = abc ", true, "abc")]
    [InlineData("Authorization=AAD;ClientId=", true, null)]
    [InlineData("ClientId=abc", false, null)]
    [InlineData("Authorization=Key;ClientId=abc", false, null)]
    [InlineData("", false, null)]
    [InlineData(null, false, null)]
    public void TryReadEntraAuthentication_KnownStrings_ReadAsTheHostDoes(string? authenticationString, bool useEntra, string? clientId)
    {
        Assert.Equal(useEntra, TelemetryServiceCollectionExtensions.TryReadEntraAuthentication(authenticationString, out var read));
        Assert.Equal(clientId, read);
    }

    [Fact]
    public void CreateCredential_EntraAuthenticationString_IsAManagedIdentity()
    {
        var credential = TelemetryServiceCollectionExtensions.CreateCredential(Configuration(new()
        {
            [TelemetryServiceCollectionExtensions.AuthenticationStringSetting] = "ClientId=abc;Authorization=AAD",
        }));

        Assert.IsType<ManagedIdentityCredential>(credential);
    }

    [Fact]
    public void CreateCredential_NoAuthenticationString_IsNone()
    {
        var credential = TelemetryServiceCollectionExtensions.CreateCredential(Configuration(new()
        {
            [TelemetryServiceCollectionExtensions.ClientIdSetting] = "abc",
        }));

        Assert.Null(credential);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings, Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection().AddLogging().AddMetrics();
        var configuration = Configuration(settings);
        // As the worker's host registers it: the OpenTelemetry SDK reads its OTEL_* settings from it.
        services.AddSingleton(configuration);
        services.AddSingleton(_ => new ComputeExecutor(1)).AddSingleton<JobMetrics>();
        services.AddSingleton(new QueueAgeCache(_ => Task.FromResult(new OldestMessages(null, null)), TimeProvider.System, NullLogger<QueueAgeCache>.Instance));
        services.AddTelemetry(configuration);
        configure?.Invoke(services);
        return services.BuildServiceProvider();
    }

    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
}
