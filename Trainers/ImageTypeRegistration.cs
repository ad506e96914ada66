using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace MLNet.Cnn.Trainers;

/// <summary>
/// Tells ML.NET that an MLImage member without an attribute is an image of unknown size, for the custom mappings that
/// read or write images. ML.NET registers MLImage only through <c>[ImageType]</c>, whose size-less form fails in ML.NET 5
/// (it builds <c>ImageDataViewType(0, 0)</c>, which refuses a zero size); a decoded image has no size known in advance.
/// Each such mapping calls <see cref="Ensure"/> from its static constructor, which runs before ML.NET builds the mapping's
/// schema, in training and in <c>Model.Load</c> (which creates the factory first).
/// </summary>
internal static class ImageTypeRegistration
{
    public static void Ensure()
    {
        // Knows(Type) is internal: a registration made before (by another library, or by a second mapping) is refused,
        // and then ML.NET knows the type.
        try { DataViewTypeManager.Register(new ImageDataViewType(), typeof(MLImage), (DataViewTypeAttribute?)null); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException) { }
    }
}
