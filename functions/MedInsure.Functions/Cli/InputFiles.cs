namespace MedInsure.Functions.Cli;

/// <summary>Expands command-line paths: a file is itself, a directory is its files (recursively, in ordinal order).</summary>
internal static class InputFiles
{
    public static IReadOnlyList<(string Path, string Name)> Expand(IEnumerable<string> paths, out IReadOnlyList<string> missing)
    {
        var files = new List<(string, string)>();
        var notFound = new List<string>();
        foreach (var path in paths)
        {
            if (File.Exists(path))
            {
                files.Add((path, Path.GetFileName(path)));
            }
            else if (Directory.Exists(path))
            {
                var root = Path.GetFullPath(path);
                files.AddRange(Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
                    .Where(f => !Path.GetFileName(f).StartsWith('.') && !string.Equals(Path.GetFileName(f), "README.md", StringComparison.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal)
                    .Select(f => (f, Path.GetRelativePath(root, f).Replace('\\', '/'))));
            }
            else
            {
                notFound.Add(path);
            }
        }

        missing = notFound;
        return files;
    }
}
