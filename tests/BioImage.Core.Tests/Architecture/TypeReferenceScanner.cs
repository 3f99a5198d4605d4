using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace BioImage.Core.Tests.Architecture;

/// <summary>
/// Lists every type each type of an assembly file references, read from its metadata with
/// System.Reflection.Metadata (nothing is loaded or run): base type, interfaces, generic constraints, custom
/// attribute types, field, property, event and method signatures, locals, catch clauses, and every type, method
/// or field token in the method bodies' IL (including the type arguments of generic instantiations). Nested and
/// compiler-generated types (closures, state machines, extension blocks) count as their outermost declaring type.
/// </summary>
internal static class TypeReferenceScanner
{
    /// <summary>A type by namespace and name (the outermost type for nested ones).</summary>
    internal readonly record struct TypeName(string Namespace, string Name)
    {
        public override string ToString() => Namespace.Length == 0 ? Name : $"{Namespace}.{Name}";
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(field => (OpCode)field.GetValue(null)!)
        .ToDictionary(code => code.Value);

    /// <summary>For each type defined in <paramref name="assemblyPath"/>: the types it references (itself excluded).</summary>
    public static Dictionary<TypeName, HashSet<TypeName>> Scan(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        var provider = new NameProvider(reader);
        var result = new Dictionary<TypeName, HashSet<TypeName>>();
        foreach (var handle in reader.TypeDefinitions)
        {
            var self = provider.Name(handle);
            if (!result.TryGetValue(self, out var references))
            {
                result[self] = references = [];
            }

            new TypeScan(reader, pe, provider, references).Scan(handle);
            references.Remove(self);
        }

        return result;
    }

    /// <summary>Collects the references of one type definition into a set.</summary>
    private sealed class TypeScan(MetadataReader reader, PEReader pe, NameProvider provider, HashSet<TypeName> references)
    {
        public void Scan(TypeDefinitionHandle handle)
        {
            var type = reader.GetTypeDefinition(handle);
            AddType(type.BaseType);
            foreach (var implementation in type.GetInterfaceImplementations())
            {
                AddType(reader.GetInterfaceImplementation(implementation).Interface);
            }

            AddGenericConstraints(type.GetGenericParameters());
            AddAttributes(type.GetCustomAttributes());
            foreach (var fieldHandle in type.GetFields())
            {
                var field = reader.GetFieldDefinition(fieldHandle);
                references.UnionWith(field.DecodeSignature(provider, null));
                AddAttributes(field.GetCustomAttributes());
            }

            foreach (var propertyHandle in type.GetProperties())
            {
                var property = reader.GetPropertyDefinition(propertyHandle);
                AddSignature(property.DecodeSignature(provider, null));
                AddAttributes(property.GetCustomAttributes());
            }

            foreach (var eventHandle in type.GetEvents())
            {
                var definition = reader.GetEventDefinition(eventHandle);
                AddType(definition.Type);
                AddAttributes(definition.GetCustomAttributes());
            }

            foreach (var methodHandle in type.GetMethods())
            {
                ScanMethod(reader.GetMethodDefinition(methodHandle));
            }
        }

        private void ScanMethod(MethodDefinition method)
        {
            AddSignature(method.DecodeSignature(provider, null));
            AddGenericConstraints(method.GetGenericParameters());
            AddAttributes(method.GetCustomAttributes());
            foreach (var parameter in method.GetParameters())
            {
                AddAttributes(reader.GetParameter(parameter).GetCustomAttributes());
            }

            if (method.RelativeVirtualAddress == 0)
            {
                return;
            }

            var body = pe.GetMethodBody(method.RelativeVirtualAddress);
            if (!body.LocalSignature.IsNil)
            {
                foreach (var local in reader.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(provider, null))
                {
                    references.UnionWith(local);
                }
            }

            foreach (var region in body.ExceptionRegions)
            {
                AddType(region.CatchType);
            }

            ScanIl(body.GetILReader());
        }

        /// <summary>Walks the IL instruction by instruction and adds the types behind every metadata token operand.</summary>
        private void ScanIl(BlobReader il)
        {
            while (il.RemainingBytes > 0)
            {
                byte first = il.ReadByte();
                short value = first == 0xFE ? (short)(0xFE00 | il.ReadByte()) : first;
                var code = OpCodesByValue[value];
                switch (code.OperandType)
                {
                    case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType:
                        AddMember(MetadataTokens.EntityHandle(il.ReadInt32()));
                        break;
                    case OperandType.InlineSig:
                        AddSignature(reader.GetStandaloneSignature((StandaloneSignatureHandle)MetadataTokens.EntityHandle(il.ReadInt32())).DecodeMethodSignature(provider, null));
                        break;
                    case OperandType.InlineSwitch:
                        int targets = il.ReadInt32();
                        il.Offset += 4 * targets;
                        break;
                    case OperandType.InlineNone:
                        break;
                    case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                        il.Offset += 1;
                        break;
                    case OperandType.InlineVar:
                        il.Offset += 2;
                        break;
                    case OperandType.InlineI8 or OperandType.InlineR:
                        il.Offset += 8;
                        break;
                    default:
                        il.Offset += 4;
                        break;
                }
            }
        }

        /// <summary>A type, method or field token: the type, or the member's declaring type and its signature.</summary>
        private void AddMember(EntityHandle handle)
        {
            switch (handle.Kind)
            {
                case HandleKind.MethodDefinition:
                    AddType(reader.GetMethodDefinition((MethodDefinitionHandle)handle).GetDeclaringType());
                    break;
                case HandleKind.FieldDefinition:
                    AddType(reader.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType());
                    break;
                case HandleKind.MemberReference:
                    var member = reader.GetMemberReference((MemberReferenceHandle)handle);
                    AddMember(member.Parent);
                    if (member.GetKind() == MemberReferenceKind.Method)
                    {
                        AddSignature(member.DecodeMethodSignature(provider, null));
                    }
                    else
                    {
                        references.UnionWith(member.DecodeFieldSignature(provider, null));
                    }

                    break;
                case HandleKind.MethodSpecification:
                    var specification = reader.GetMethodSpecification((MethodSpecificationHandle)handle);
                    AddMember(specification.Method);
                    foreach (var argument in specification.DecodeSignature(provider, null))
                    {
                        references.UnionWith(argument);
                    }

                    break;
                case HandleKind.ModuleReference:
                    break;
                default:
                    AddType(handle);
                    break;
            }
        }

        private void AddType(EntityHandle handle)
        {
            if (!handle.IsNil)
            {
                references.UnionWith(provider.Types(handle));
            }
        }

        private void AddSignature(MethodSignature<ImmutableArray<TypeName>> signature)
        {
            references.UnionWith(signature.ReturnType);
            foreach (var parameter in signature.ParameterTypes)
            {
                references.UnionWith(parameter);
            }
        }

        private void AddGenericConstraints(GenericParameterHandleCollection parameters)
        {
            foreach (var parameter in parameters)
            {
                foreach (var constraint in reader.GetGenericParameter(parameter).GetConstraints())
                {
                    AddType(reader.GetGenericParameterConstraint(constraint).Type);
                }
            }
        }

        /// <summary>Attribute types (their constructor's declaring type); typeof arguments inside the blob are not decoded.</summary>
        private void AddAttributes(CustomAttributeHandleCollection attributes)
        {
            foreach (var attribute in attributes)
            {
                AddMember(reader.GetCustomAttribute(attribute).Constructor);
            }
        }
    }

    /// <summary>Decodes signatures into the set of named types they mention (primitives and generic parameters add none).</summary>
    private sealed class NameProvider(MetadataReader reader) : ISignatureTypeProvider<ImmutableArray<TypeName>, object?>
    {
        public TypeName Name(TypeDefinitionHandle handle)
        {
            var type = reader.GetTypeDefinition(handle);
            return type.IsNested
                ? Name(type.GetDeclaringType())
                : new TypeName(reader.GetString(type.Namespace), reader.GetString(type.Name));
        }

        public ImmutableArray<TypeName> Types(EntityHandle handle) => handle.Kind switch
        {
            HandleKind.TypeDefinition => [Name((TypeDefinitionHandle)handle)],
            HandleKind.TypeReference => [Name((TypeReferenceHandle)handle)],
            HandleKind.TypeSpecification => reader.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(this, null),
            _ => throw new BadImageFormatException($"{handle.Kind} is not a type."),
        };

        public ImmutableArray<TypeName> GetTypeFromDefinition(MetadataReader metadata, TypeDefinitionHandle handle, byte rawTypeKind) => [Name(handle)];

        public ImmutableArray<TypeName> GetTypeFromReference(MetadataReader metadata, TypeReferenceHandle handle, byte rawTypeKind) => [Name(handle)];

        public ImmutableArray<TypeName> GetTypeFromSpecification(MetadataReader metadata, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
            metadata.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

        public ImmutableArray<TypeName> GetPrimitiveType(PrimitiveTypeCode typeCode) => [];

        public ImmutableArray<TypeName> GetGenericMethodParameter(object? genericContext, int index) => [];

        public ImmutableArray<TypeName> GetGenericTypeParameter(object? genericContext, int index) => [];

        public ImmutableArray<TypeName> GetSZArrayType(ImmutableArray<TypeName> elementType) => elementType;

        public ImmutableArray<TypeName> GetArrayType(ImmutableArray<TypeName> elementType, ArrayShape shape) => elementType;

        public ImmutableArray<TypeName> GetByReferenceType(ImmutableArray<TypeName> elementType) => elementType;

        public ImmutableArray<TypeName> GetPointerType(ImmutableArray<TypeName> elementType) => elementType;

        public ImmutableArray<TypeName> GetPinnedType(ImmutableArray<TypeName> elementType) => elementType;

        public ImmutableArray<TypeName> GetModifiedType(ImmutableArray<TypeName> modifier, ImmutableArray<TypeName> unmodifiedType, bool isRequired) =>
            unmodifiedType.AddRange(modifier);

        public ImmutableArray<TypeName> GetGenericInstantiation(ImmutableArray<TypeName> genericType, ImmutableArray<ImmutableArray<TypeName>> typeArguments) =>
            genericType.AddRange(typeArguments.SelectMany(argument => argument));

        public ImmutableArray<TypeName> GetFunctionPointerType(MethodSignature<ImmutableArray<TypeName>> signature) =>
            signature.ReturnType.AddRange(signature.ParameterTypes.SelectMany(parameter => parameter));

        private TypeName Name(TypeReferenceHandle handle)
        {
            var type = reader.GetTypeReference(handle);
            return type.ResolutionScope.Kind == HandleKind.TypeReference
                ? Name((TypeReferenceHandle)type.ResolutionScope)
                : new TypeName(reader.GetString(type.Namespace), reader.GetString(type.Name));
        }
    }
}
