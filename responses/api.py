from rest_framework.views import APIView


class SurveyDefinitionView(APIView):  # placeholder: the API is being written
    pass


class ResponseCreateView(APIView):  # placeholder
    pass
