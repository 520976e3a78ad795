namespace MedInsure.Calculations;

/// <summary>GB/T 2260 code shape: 6 digits, province (2) + prefecture (2) + county (2).</summary>
public static class RegionCodes
{
    public static bool IsWellFormed(string? code) =>
        code is { Length: 6 } && code.All(char.IsAsciiDigit) && code[..2] != "00";

    public static string ProvinceOf(string code) => code[..2] + "0000";

    public static string PrefectureOf(string code) => code[..4] + "00";

    /// <summary>The codes that may legitimately cover <paramref name="code"/>, nearest first: itself, its prefecture, its province.</summary>
    internal static IEnumerable<string> SelfAndParents(string code)
    {
        yield return code;
        var prefecture = PrefectureOf(code);
        if (prefecture != code)
        {
            yield return prefecture;
        }

        var province = ProvinceOf(code);
        if (province != code && province != prefecture)
        {
            yield return province;
        }
    }
}
