using LoadTool;

return await LoadCommand.Create(LoadConsole.RunAsync).Parse(args).InvokeAsync();
