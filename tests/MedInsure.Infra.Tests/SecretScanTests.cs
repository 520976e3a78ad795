using System.Text;

namespace MedInsure.Infra.Tests;

/// <summary>The package test's key detector must see real keys and ignore the bare words found in SDK binaries.</summary>
public sealed class SecretScanTests
{
    private const string FakeKey = "Zm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFy==";

    [Fact]
    public void DetectsAnAccountKeyInUtf8TextAndInUtf16Literals()
    {
        var connection = $"DefaultEndpointsProtocol=https;AccountName=x;AccountKey={FakeKey};EndpointSuffix=core.windows.net";

        Assert.True(PackageTests.ContainsAccountKey(Encoding.UTF8.GetBytes($"{{\"AzureWebJobsStorage\":\"{connection}\"}}")));
        Assert.True(PackageTests.ContainsAccountKey([0x4D, 0x5A, .. Encoding.Unicode.GetBytes(connection), 0x00]));
    }

    [Fact]
    public void IgnoresTheBareSettingNameThatConnectionStringParsersContain()
    {
        Assert.False(PackageTests.ContainsAccountKey(Encoding.Unicode.GetBytes("AccountKey=;AccountName=;SharedAccessSignature=")));
        Assert.False(PackageTests.ContainsAccountKey(Encoding.ASCII.GetBytes("AccountKey={0};AccountKey=short")));
    }
}
