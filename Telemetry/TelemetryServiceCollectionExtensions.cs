using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Functions.Jobs;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Functions.Telemetry;

/// <summary>
/// The worker's telemetry through OpenTelemetry: its invocation traces, its logs and the <see cref="JobMetrics"/> go
/// to Application Insights when <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set, authenticated with the managed
/// identity named by <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c>, and to any OTLP endpoint (a collector, Jaeger,
/// the Aspire dashboard) when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. Without either nothing is exported.
/// host.json's <c>telemetryMode</c> puts the host on OpenTelemetry too, so both processes report the same way.
/// </summary>
public static class TelemetryServiceCollectionExtensions
{
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    public const string AuthenticationStringSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";
    public const string ClientIdSetting = "AZURE_CLIENT_ID";
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static IServiceCollection AddTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        // The Azure SDK logs every request at Information, and ASP.NET Core each request's steps (nine lines for one
        // request): host.json quiets them for the host, this for the worker.
        services.AddLogging(logging => logging.AddFilter("Azure", LogLevel.Warning).AddFilter("Microsoft.AspNetCore", LogLevel.Warning));

        var connectionString = configuration[ConnectionStringSetting];
        var otlpEndpoint = configuration[OtlpEndpointSetting];
        if (string.IsNullOrWhiteSpace(connectionString) && string.IsNullOrWhiteSpace(otlpEndpoint)) return services;

        // The Azure SDK's spans (one per storage call) are still behind this switch.
        AppContext.SetSwitch("Azure.Experimental.EnableActivitySource", true);
        var telemetry = services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            .WithTracing(tracing => tracing.AddSource(JobTracing.SourceName, "Azure.*"))
            .WithMetrics(metrics => metrics.AddMeter(JobMetrics.MeterName));
        if (!string.IsNullOrWhiteSpace(otlpEndpoint))
        {
            // Reads OTEL_EXPORTER_OTLP_ENDPOINT, _PROTOCOL and _HEADERS itself; its export runs on its own thread and
            // drops what it cannot send, so an endpoint that is down blocks nothing.
            telemetry.UseOtlpExporter();
        }

        if (string.IsNullOrWhiteSpace(connectionString)) return services;
        var credential = CreateCredential(configuration);
        telemetry.UseAzureMonitorExporter(options =>
            {
                options.ConnectionString = connectionString;
                if (credential is not null) options.Credential = credential;
                // Traces stay rate-limited (the exporter's 5 per second); the job log lines are kept whole, since
                // they are what finds a job by its id, rather than dropped with the traces that were not sampled.
                options.EnableTraceBasedLogsSampler = false;
            });
        return services;
    }

    /// <summary>
    /// The Entra credential telemetry is sent with, by the rule the host follows in OpenTelemetry mode: an
    /// authentication string <c>Authorization=AAD</c> means a managed identity, the user-assigned one whose
    /// <c>ClientId</c> it names (else <c>AZURE_CLIENT_ID</c>), or the system-assigned one. Null without it: the
    /// connection string alone then authenticates, which only works while local auth is enabled.
    /// </summary>
    public static TokenCredential? CreateCredential(IConfiguration configuration)
    {
        if (!TryReadEntraAuthentication(configuration[AuthenticationStringSetting], out var clientId)) return null;
        clientId ??= configuration[ClientIdSetting] is { Length: > 0 } id ? id : null;
        return new ManagedIdentityCredential(clientId is null ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(clientId));
    }

    /// <summary>Reads <c>Authorization=AAD;ClientId=…</c>: true when it asks for Entra authentication, with the client id when it names one.</summary>
    public static bool TryReadEntraAuthentication(string? authenticationString, out string? clientId)
    {
        clientId = null;
        if (string.IsNullOrWhiteSpace(authenticationString)) return false;
        var useEntra = false;
        foreach (var part in authenticationString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (key, value) = part.Split('=', 2, StringSplitOptions.TrimEntries) is [var k, var v] ? (k, v) : (part, "");
            if (key.Equals("Authorization", StringComparison.OrdinalIgnoreCase)) useEntra = value.Equals("AAD", StringComparison.OrdinalIgnoreCase);
            else if (key.Equals("ClientId", StringComparison.OrdinalIgnoreCase) && value.Length > 0) clientId = value;
        }

        if (!useEntra) clientId = null;
        return useEntra;
    }
}
