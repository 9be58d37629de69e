package io.akkaetcd.grpc;

import com.google.protobuf.Descriptors;
import java.lang.reflect.Method;

/**
 * Reads an Akka gRPC generated service interface (such as {@code KV}): its proto descriptor and the
 * Java method of each RPC. The unary handler and the JSON gateway both dispatch by it.
 */
public final class ServiceReflection {
  private ServiceReflection() {}

  public static Descriptors.ServiceDescriptor describe(Class<?> serviceInterface) {
    try {
      String name = (String) serviceInterface.getField("name").get(null);
      akka.grpc.ServiceDescription description =
          (akka.grpc.ServiceDescription) serviceInterface.getField("description").get(null);
      return description.descriptor().findServiceByName(name.substring(name.lastIndexOf('.') + 1));
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException(serviceInterface + " is not an Akka gRPC service interface", e);
    }
  }

  /** The interface's method for {@code rpc}: its name in lower camel case, taking the request alone. */
  public static Method javaMethod(Class<?> serviceInterface, Descriptors.MethodDescriptor rpc) {
    String name = Character.toLowerCase(rpc.getName().charAt(0)) + rpc.getName().substring(1);
    for (Method m : serviceInterface.getMethods()) {
      if (m.getName().equals(name) && m.getParameterCount() == 1) {
        return m;
      }
    }
    throw new IllegalArgumentException(serviceInterface + " has no method " + name);
  }

  /**
   * The implementation's overload of {@code interfaceMethod} that also takes the {@link Caller} (who
   * is calling, for Auth), or null if it has none.
   */
  public static Method withCaller(Class<?> implementation, Method interfaceMethod) {
    try {
      return implementation.getMethod(interfaceMethod.getName(), interfaceMethod.getParameterTypes()[0],
          io.akkaetcd.auth.Caller.class);
    } catch (NoSuchMethodException e) {
      return null;
    }
  }

  /** The gRPC path of an RPC without its leading slash: "etcdserverpb.KV/Range". */
  public static String fullMethodName(Descriptors.MethodDescriptor rpc) {
    return rpc.getService().getFullName() + "/" + rpc.getName();
  }
}
