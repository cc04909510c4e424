namespace Functions.Tests.Fixtures;

public static class RepositoryRoot
{
    /// <summary>The folder holding Functions.sln, found by walking up from the test binaries.</summary>
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(System.IO.Path.Combine(dir.FullName, "Functions.sln"))) return dir.FullName;
        }

        throw new InvalidOperationException("Functions.sln not found above " + AppContext.BaseDirectory);
    }

    public static string File(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);
}
