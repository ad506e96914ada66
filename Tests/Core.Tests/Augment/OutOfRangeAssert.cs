namespace MLNet.Cnn.Tests.Augment;

/// <summary>Checks the ArgumentOutOfRangeException of an augmentation argument: its parameter name and value.</summary>
public static class OutOfRangeAssert
{
    public static void Throws(Action action, string paramName, params string[] messageParts)
    {
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(action);
        Assert.AreEqual(paramName, e.ParamName, e.Message);
        foreach (var part in messageParts) StringAssert.Contains(e.Message, part, $"message of the {paramName} error");
    }
}
