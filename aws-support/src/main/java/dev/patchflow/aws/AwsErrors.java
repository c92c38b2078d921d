package dev.patchflow.aws;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.retry.RetryUtils;

/**
 * Turns what the SDK throws into a sentence for a report: the AWS error code and message when AWS answered (e.g.
 * {@code AccessDenied: User … is not authorized to perform: sts:AssumeRole}), else what went wrong on the way. AWS
 * error messages never contain credentials; the SDK's own messages are shortened to their first line.
 */
public final class AwsErrors {

    private AwsErrors() {
    }

    public static String describe(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof AwsServiceException aws && aws.awsErrorDetails() != null) {
                String code = aws.awsErrorDetails().errorCode();
                String message = aws.awsErrorDetails().errorMessage();
                if (code == null && aws.statusCode() == 401) {
                    // The URL-connection client does not hand over the body of a 401: say what it means at AWS.
                    return "HTTP 401 (AuthFailure: the credentials are not valid there, or the region is not enabled"
                            + " for the account)";
                }
                return (code == null ? "HTTP " + aws.statusCode() : code)
                        + (message == null || message.isBlank() ? "" : ": " + message);
            }
            if (t instanceof UnknownHostException) {
                return "unknown host " + t.getMessage() + " (is the region right?)";
            }
            if (t instanceof ConnectException || t instanceof SocketTimeoutException) {
                return t.getClass().getSimpleName() + ": " + t.getMessage();
            }
        }
        String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        return firstLine(message);
    }

    /** The AWS error code of {@code error} or one of its causes, if AWS answered. */
    public static String code(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof AwsServiceException aws && aws.awsErrorDetails() != null) {
                return aws.awsErrorDetails().errorCode();
            }
        }
        return null;
    }

    /** Whether AWS said "no such thing" (a missing image, snapshot or instance): the goal is already reached. */
    public static boolean isNotFound(Throwable error) {
        String code = code(error);
        return code != null && (code.endsWith(".NotFound") || "InvalidAMIID.Unavailable".equals(code));
    }

    /** A client-side failure that is not AWS's answer (unreachable endpoint, timeout). */
    public static boolean isClientSide(Throwable error) {
        return error instanceof SdkClientException && code(error) == null;
    }

    /**
     * Whether {@code error} says AWS is briefly unavailable rather than that the request is wrong: throttling,
     * a 5xx, or no answer at all (unreachable endpoint, timeout, reset), after the SDK's own retries gave up. Such
     * a failure delays the work; any other (access denied, invalid parameter, not found) is the target's outcome.
     */
    public static boolean isTransient(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof AwsServiceException aws) {
                return aws.isThrottlingException() || aws.statusCode() >= 500;
            }
            if (t instanceof SdkException sdk && RetryUtils.isRetryableException(sdk)) {
                return true;
            }
            if (t instanceof java.io.IOException && !(t instanceof UnknownHostException)) {
                return true;
            }
        }
        return false;
    }

    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
