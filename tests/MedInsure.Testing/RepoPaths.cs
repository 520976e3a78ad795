namespace MedInsure.Testing;

public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Shared => Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    private static string FindRoot()
    {
        // Baked in at build time, so binaries built elsewhere (--artifacts-path) still find the repo's node_modules.
        var baked = typeof(RepoPaths).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "RepoRoot")?.Value;
        if (baked is not null && File.Exists(Path.Combine(baked, "MedInsure.Functions.sln")))
        {
            return Path.GetFullPath(baked);
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MedInsure.Functions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("MedInsure.Functions.sln not found above the test binaries");
    }
}
