using Functions.Jobs;
using Functions.Telemetry;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddComputeJobs(builder.Configuration);
builder.Services.AddTelemetry(builder.Configuration);
builder.Build().Run();
