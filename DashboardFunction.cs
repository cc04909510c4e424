using Functions.Dashboard;
using Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Functions;

/// <summary>
/// The dashboard, served by the app itself at the site's root: the page and its files, embedded in the assembly.
/// Anonymous: the files hold no data; the page asks for a function key when the job endpoints want one.
/// </summary>
public sealed class DashboardFunction(DashboardAssets assets)
{
    [Function(nameof(Dashboard))]
    public IResult Dashboard([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Dashboard)] HttpRequest request, string? file) =>
        assets.Serve(request, file);
}
