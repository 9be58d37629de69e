package io.akkaetcd.grpc;

import akka.stream.Attributes;
import akka.stream.FlowShape;
import akka.stream.Inlet;
import akka.stream.Outlet;
import akka.stream.stage.AbstractInHandler;
import akka.stream.stage.AbstractOutHandler;
import akka.stream.stage.GraphStage;
import akka.stream.stage.GraphStageLogic;
import io.akkaetcd.metrics.GrpcServerMetrics;

/**
 * A streaming RPC's response messages, counted as they pass, and how the stream ended: "OK" when the
 * server's source completes, the failure's code when it fails, "Canceled" when the client goes away
 * first. One stage, where a map, a mapError, a lazy concatenation and a termination watch did the same:
 * each of those is set up for every stream, and etcd's Go client opens a stream per lease keep-alive.
 */
final class CountingStage<T> extends GraphStage<FlowShape<T, T>> {
  private final Inlet<T> in = Inlet.create("CountingStage.in");
  private final Outlet<T> out = Outlet.create("CountingStage.out");
  private final FlowShape<T, T> shape = FlowShape.of(in, out);
  private final GrpcServerMetrics.Call call;

  CountingStage(GrpcServerMetrics.Call call) {
    this.call = call;
  }

  @Override
  public FlowShape<T, T> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new GraphStageLogic(shape) {
      private boolean ended;

      private void end(int code) {
        if (!ended) {
          ended = true;
          call.handled(code);
        }
      }

      {
        setHandler(in, new AbstractInHandler() {
          @Override
          public void onPush() {
            call.sent();
            push(out, grab(in));
          }

          @Override
          public void onUpstreamFinish() {
            end(0);
            completeStage();
          }

          @Override
          public void onUpstreamFailure(Throwable failure) {
            end(GrpcStatus.fromThrowable(failure).code());
            failStage(failure);
          }
        });
        setHandler(out, new AbstractOutHandler() {
          @Override
          public void onPull() {
            pull(in);
          }

          @Override
          public void onDownstreamFinish(Throwable cause) {
            end(io.grpc.Status.Code.CANCELLED.value());
            cancelStage(cause);
          }
        });
      }

      @Override
      public void postStop() {
        end(io.grpc.Status.Code.CANCELLED.value()); // torn down with neither (the connection's materializer stopped)
      }
    };
  }
}
