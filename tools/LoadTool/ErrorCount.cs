namespace LoadTool;

/// <summary>How often one kind of error happened, with the first one's detail as an example.</summary>
public sealed record ErrorCount(int Count, string Example);
