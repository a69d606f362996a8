import { Testing } from 'cdktf';
import 'aws-sdk-client-mock-jest';

Testing.setupJest();
