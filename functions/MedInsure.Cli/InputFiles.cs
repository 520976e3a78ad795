using System.CommandLine;

namespace MedInsure.Cli;

internal static class InputFiles
{
    public static Argument<string[]> Argument(string description)
    {
        // The name words the error when none is given: "no input paths given".
        var argument = new Argument<string[]>("input paths") { HelpName = "PATH", Arity = ArgumentArity.OneOrMore, Description = description };
        argument.Validators.Add(result =>
        {
            var missing = result.Tokens.Select(t => t.Value).Where(p => !File.Exists(p) && !Directory.Exists(p)).ToList();
            if (missing.Count > 0)
            {
                result.AddError($"path not found: {string.Join(", ", missing)}");
            }
        });
        return argument;
    }

    // What ingest uploads: a file is itself, a directory its files (recursively, in ordinal order) named by
    // their paths relative to it, without hidden files and READMEs.
    public static IReadOnlyList<(string Path, string Name)> Expand(IEnumerable<string> paths)
    {
        var files = new List<(string, string)>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                var root = Path.GetFullPath(path);
                files.AddRange(Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
                    .Where(f => !Path.GetFileName(f).StartsWith('.') && !string.Equals(Path.GetFileName(f), "README.md", StringComparison.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal)
                    .Select(f => (f, Path.GetRelativePath(root, f).Replace('\\', '/'))));
            }
            else
            {
                files.Add((path, Path.GetFileName(path)));
            }
        }

        return files;
    }

    // What parse checks: a file is itself, a directory every file in it (recursively, in ordinal order), each
    // named by its path as given. Nothing is skipped: a check should see what an upload of the folder could contain.
    public static IEnumerable<string> ExpandAll(IEnumerable<string> paths) => paths.SelectMany<string, string>(path => Directory.Exists(path)
        ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
        : [path]);
}
