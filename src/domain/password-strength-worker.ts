/**
 * The worker thread behind PasswordEstimator: holds zxcvbn-ts and its dictionaries (about 60 MB once loaded) and
 * answers one strength estimate per message. It lives in its own thread so that the API process gives that memory
 * back when the thread ends after a quiet spell, and so that an estimate does not hold up the event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';

export interface EstimatorOptions {
  useDictionary: boolean;
  maxLength: number;
}

export interface EstimateRequest {
  id: number;
  password: string;
  relatedInputs: string[];
}

export type EstimateAnswer = { id: number; guessesLog10: number } | { id: number; error: string };

if (parentPort) {
  const port = parentPort;
  const options = workerData as EstimatorOptions;
  const estimator = new ZxcvbnFactory({
    graphs: common.adjacencyGraphs,
    dictionary: options.useDictionary ? { ...common.dictionary, ...english.dictionary } : {},
    maxLength: options.maxLength,
  });
  port.on('message', ({ id, password, relatedInputs }: EstimateRequest) => {
    let answer: EstimateAnswer;
    try {
      answer = { id, guessesLog10: estimator.check(password, relatedInputs).guessesLog10 };
    } catch (err) {
      answer = { id, error: err instanceof Error ? err.message : String(err) };
    }
    port.postMessage(answer);
  });
}
