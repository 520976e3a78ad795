using MedInsure.Cli;

return await CliApp.RunAsync(args, Console.Out, Console.Error, stdin: Console.In);
