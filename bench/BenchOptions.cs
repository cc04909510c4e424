namespace Functions.Bench;

/// <summary>Command line: benchmark names, <c>--repeat N</c> (best of N, default 5), or an internal child command.</summary>
public sealed record BenchOptions(IReadOnlyList<string> Names, int Repeat, IReadOnlyList<string>? ChildCommand)
{
    public const string ChildFlag = "--child";

    public static BenchOptions Parse(string[] args)
    {
        if (args.Length > 0 && args[0] == ChildFlag) return new([], 1, args[1..]);
        var names = new List<string>();
        var repeat = 5;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--repeat" && i + 1 < args.Length) repeat = Math.Max(1, int.Parse(args[++i]));
            else names.Add(args[i]);
        }
        return new(names, repeat, null);
    }
}
