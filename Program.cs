using Functions;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddApp(builder.Configuration);
builder.Build().Run();

namespace Functions
{
    using Functions.Callbacks;
    using Functions.Compute;
    using Functions.Dashboard;
    using Functions.Health;
    using Functions.Http;
    using Functions.Jobs;
    using Functions.Storage;
    using Functions.Telemetry;
    using Microsoft.Extensions.Configuration;
    using Microsoft.Extensions.DependencyInjection;

    public static class App
    {
        /// <summary>The app's parts, each registered beside its code. The tests compose the app with this too.</summary>
        public static IServiceCollection AddApp(this IServiceCollection services, IConfiguration configuration) => services
            .AddStorage(configuration)
            .AddCompute(configuration)
            .AddJobs(configuration)
            .AddCallbacks(configuration)
            .AddHttpApi()
            .AddDashboard()
            .AddHealth(configuration)
            .AddTelemetry(configuration);
    }
}
