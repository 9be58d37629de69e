package io.akkaetcd.metrics;

import com.google.protobuf.Descriptors;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * go-grpc-prometheus's server series, which etcd registers: {@code grpc_server_started_total},
 * {@code grpc_server_handled_total} (by code name, "OK", "Canceled", ...),
 * {@code grpc_server_msg_received_total} and {@code grpc_server_msg_sent_total}, and, with
 * {@code --metrics extensive} only as etcd does, {@code grpc_server_handling_seconds}.
 */
public final class GrpcServerMetrics {
  /** grpc-go's names of the status codes, by number. */
  private static final String[] CODE_NAMES = {"OK", "Canceled", "Unknown", "InvalidArgument",
      "DeadlineExceeded", "NotFound", "AlreadyExists", "PermissionDenied", "ResourceExhausted",
      "FailedPrecondition", "Aborted", "OutOfRange", "Unimplemented", "Internal", "Unavailable", "DataLoss",
      "Unauthenticated"};

  private final Counter started;
  private final Counter handled;
  private final Counter received;
  private final Counter sent;
  private final Histogram handlingSeconds;

  GrpcServerMetrics(PrometheusRegistry registry, boolean extensive) {
    started = Counter.builder().name("grpc_server_started_total")
        .help("Total number of RPCs started on the server.")
        .labelNames("grpc_type", "grpc_service", "grpc_method").register(registry);
    handled = Counter.builder().name("grpc_server_handled_total")
        .help("Total number of RPCs completed on the server, regardless of success or failure.")
        .labelNames("grpc_type", "grpc_service", "grpc_method", "grpc_code").register(registry);
    received = Counter.builder().name("grpc_server_msg_received_total")
        .help("Total number of RPC stream messages received on the server.")
        .labelNames("grpc_type", "grpc_service", "grpc_method").register(registry);
    sent = Counter.builder().name("grpc_server_msg_sent_total")
        .help("Total number of gRPC stream messages sent by the server.")
        .labelNames("grpc_type", "grpc_service", "grpc_method").register(registry);
    // go-grpc-prometheus's DefBuckets: prometheus.DefBuckets
    handlingSeconds = extensive ? Histogram.builder().name("grpc_server_handling_seconds")
        .help("Histogram of response latency (seconds) of gRPC that had been application-level handled by the server.")
        .classicOnly()
        .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
        .labelNames("grpc_type", "grpc_service", "grpc_method").register(registry) : null;
  }

  /**
   * go-grpc-prometheus's InitializeMetrics, which etcd calls once its services are registered: every
   * method of {@code service} gets its started, received and sent series at 0 (and handling seconds
   * with {@code --metrics extensive}), and a handled series at 0 for each of the 17 codes.
   */
  public void preRegister(Descriptors.ServiceDescriptor service) {
    for (Descriptors.MethodDescriptor rpc : service.getMethods()) {
      String type = rpc.isClientStreaming()
          ? (rpc.isServerStreaming() ? "bidi_stream" : "client_stream")
          : (rpc.isServerStreaming() ? "server_stream" : "unary");
      String name = service.getFullName();
      started.labelValues(type, name, rpc.getName());
      received.labelValues(type, name, rpc.getName());
      sent.labelValues(type, name, rpc.getName());
      if (handlingSeconds != null) {
        handlingSeconds.labelValues(type, name, rpc.getName());
      }
      for (String code : CODE_NAMES) {
        handled.labelValues(type, name, rpc.getName(), code);
      }
    }
  }

  /** The series on {@code registry}, without the handling histogram (what the grpc-proxy counts). */
  public static GrpcServerMetrics on(PrometheusRegistry registry) {
    return new GrpcServerMetrics(registry, false);
  }

  /** grpc-go's name of a status code, by number ("Canceled"); "Unknown" for a number it does not know. */
  public static String codeName(int grpcCode) {
    return grpcCode >= 0 && grpcCode < CODE_NAMES.length ? CODE_NAMES[grpcCode] : "Unknown";
  }

  /** An RPC of {@code type} ("unary", "server_stream", "bidi_stream") on "package.Service/Method" began. */
  public Call start(String type, String fullMethod) {
    int slash = fullMethod.indexOf('/');
    String service = fullMethod.substring(0, slash);
    String method = fullMethod.substring(slash + 1);
    started.labelValues(type, service, method).inc();
    return new Call(type, service, method, System.nanoTime());
  }

  /** One RPC in progress; {@link #handled} records how it ended. */
  public final class Call {
    private final String type;
    private final String service;
    private final String method;
    private final long startNanos;

    private Call(String type, String service, String method, long startNanos) {
      this.type = type;
      this.service = service;
      this.method = method;
      this.startNanos = startNanos;
    }

    /** A request message arrived (a unary call's one, each of a client stream's). */
    public void received() {
      received.labelValues(type, service, method).inc();
    }

    /** A response message went out (a unary call's, only when it succeeded, as go-grpc-prometheus). */
    public void sent() {
      sent.labelValues(type, service, method).inc();
    }

    public void handled(int grpcCode) {
      String code = codeName(grpcCode);
      handled.labelValues(type, service, method, code).inc();
      if (handlingSeconds != null) {
        handlingSeconds.labelValues(type, service, method).observe((System.nanoTime() - startNanos) / 1e9);
      }
    }
  }
}
